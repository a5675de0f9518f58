import type { AccessLevel } from './catalog.ts';

/** most specific first: the order in which a combined level is reduced to one */
const BY_SPECIFICITY: readonly AccessLevel[] = ['Permissions management', 'Tagging', 'Write', 'Read', 'List'];
const LEVELS: ReadonlySet<string> = new Set(BY_SPECIFICITY);

/**
 * The package gives permissions-management and tagging actions two levels (`Permissions
 * management, Write`, `Tagging, Write`). The Service Authorization Reference shows one level per
 * action, the most specific one, and so does the catalog. Undefined when a part is not a known level.
 */
export function parseAccessLevel(text: string): AccessLevel | undefined {
  const parts = text.split(',').map((part) => part.trim());
  if (!parts.every((part) => LEVELS.has(part))) return undefined;
  return BY_SPECIFICITY.find((level) => parts.includes(level));
}
