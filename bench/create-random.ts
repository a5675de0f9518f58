/**
 * A seeded pseudo-random source (mulberry32), so every run builds the same policies and requests.
 * Benchmarks must never use Math.random: a different scenario each run makes numbers incomparable.
 */
export interface Random {
  /** uniform in [0, 1) */
  readonly next: () => number;
  /** uniform integer in [0, n) */
  readonly int: (n: number) => number;
  /** uniform integer in [min, max] */
  readonly between: (min: number, max: number) => number;
  readonly chance: (p: number) => boolean;
  readonly pick: <T>(list: readonly T[]) => T;
  /** `count` distinct items (fewer when the list is shorter), in random order */
  readonly sample: <T>(list: readonly T[], count: number) => T[];
  /** an item chosen with the given relative weights */
  readonly weighted: <T>(choices: readonly (readonly [T, number])[]) => T;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[int(list.length)]!;
  };
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick,
    sample: <T>(list: readonly T[], count: number): T[] => {
      const copy = [...list];
      const n = Math.min(count, copy.length);
      for (let i = 0; i < n; i++) {
        const j = i + int(copy.length - i);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy.slice(0, n);
    },
    weighted: <T>(choices: readonly (readonly [T, number])[]): T => {
      const total = choices.reduce((sum, [, w]) => sum + w, 0);
      let x = next() * total;
      for (const [value, w] of choices) {
        x -= w;
        if (x < 0) return value;
      }
      return choices[choices.length - 1]![0];
    },
  };
}
