/**
 * A pure function of a string, remembered: request values (principals, context keys, addresses,
 * times) repeat from request to request. Bounded, because the strings come from callers: past
 * `limit` entries the memo starts over.
 */
export function memoize<T>(compute: (text: string) => T, limit = 4096): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    if (memo.has(text)) return memo.get(text) as T;
    const value = compute(text);
    if (memo.size >= limit) memo.clear();
    memo.set(text, value);
    return value;
  };
}
