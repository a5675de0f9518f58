import { editDistance } from './edit-distance.ts';

/**
 * How far a suggestion may be from what was typed: a third of its length, at most 3. Short names
 * have too many near neighbours (`s4` is one edit from `s3`, and two from `sns` and `sqs`) to guess.
 */
export function suggestionDistance(length: number): number {
  return Math.min(3, Math.floor(length / 3));
}

/**
 * The candidate nearest to `input` ignoring case, within `maxDistance` (by default
 * `suggestionDistance`); the first one in candidate order on a tie. Undefined when none is near.
 */
export function closestMatch<T>(input: string, candidates: Iterable<T>, keyOf: (candidate: T) => string, maxDistance?: number): T | undefined {
  const needle = input.toLowerCase();
  let best: T | undefined;
  let bestDistance = (maxDistance ?? suggestionDistance(needle.length)) + 1;
  for (const candidate of candidates) {
    // only a strictly better candidate replaces the best so far
    const distance = editDistance(needle, keyOf(candidate).toLowerCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
