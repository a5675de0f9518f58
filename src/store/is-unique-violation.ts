/**
 * Whether a database error is a unique or primary-key violation, on either dialect: the signal
 * that a concurrent writer got there first. The two codes cannot be mistaken for each other, so one
 * check serves both adapters.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
