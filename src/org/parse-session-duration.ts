/**
 * A permission set's session duration, written as hours and minutes (`8h`, `90m`, `1h30m`).
 * AWS lets a permission set's sessions last from 1 to 12 hours (the maximum session duration of
 * the IAM role it is provisioned as), one hour when not set.
 */
import type { Result } from '../policy/index.ts';

export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 12 * 3600;
export const DEFAULT_SESSION_DURATION = '1h';

/** the duration in seconds */
export type SessionDuration = Result<number>;

export function parseSessionDuration(text: string): SessionDuration {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  if (text === '' || match === null) {
    return invalid(`\`${text}\` is not a duration: write hours and minutes, such as \`8h\`, \`90m\` or \`1h30m\``);
  }
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60;
  if (seconds < MIN_SESSION_SECONDS) return invalid(`\`${text}\` is shorter than 1 hour: AWS permission sets allow 1h to 12h`);
  if (seconds > MAX_SESSION_SECONDS) return invalid(`\`${text}\` is longer than 12 hours: AWS permission sets allow 1h to 12h`);
  return { ok: true, value: seconds, issues: [] };
}

function invalid(message: string): SessionDuration {
  return { ok: false, issues: [{ code: 'bad-session-duration', severity: 'error', message }] };
}
