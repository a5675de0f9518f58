import { closestMatch } from '../policy/index.ts';

/** `: did you mean \`x\`` when a known name is near the one written, else nothing */
export function didYouMean(name: string, known: Iterable<string>): string {
  const near = closestMatch(name, known, (candidate) => candidate);
  return near === undefined ? '' : `: did you mean \`${near}\``;
}
