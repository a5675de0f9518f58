/**
 * `target.push(...items)` passes every item as an argument, and a call has a bounded number of
 * arguments: tens of thousands of issues or statements overflow the call stack. This appends one
 * at a time, for lists whose length the input decides.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
