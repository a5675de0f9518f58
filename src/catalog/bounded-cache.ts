/**
 * A map that forgets its least recently used entry beyond `limit` entries: the caches here are
 * keyed by text from policies, which a caller controls, so they must not grow without bound.
 */
export type BoundedCache<K, V> = {
  readonly get: (key: K) => V | undefined;
  readonly set: (key: K, value: V) => void;
};

export function boundedCache<K, V>(limit: number): BoundedCache<K, V> {
  const entries = new Map<K, V>();
  return {
    get: (key) => {
      const value = entries.get(key);
      if (value !== undefined) {
        // re-insert: a Map iterates in insertion order, so the first key is the least recently used
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set: (key, value) => {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
  };
}
