/**
 * A started sign-in (PendingLogin) kept by the browser between `/v1/login` and its callback, as
 * an encrypted and authenticated cookie value (JWE, `dir` + A256GCM, jose): the browser can neither
 * read the PKCE verifier and nonce nor change them, no server state is needed between the two
 * requests (any server process can finish a sign-in another started), and the value expires with
 * the sign-in. Single use is the provider's: a code is redeemed once.
 */
import { EncryptJWT, jwtDecrypt } from 'jose';
import { ParapetError } from '../policy/parapet-error.ts';
import type { PendingLogin } from './oidc-login.ts';

const PURPOSE = 'parapet-pending-login';

/** what happens once the sign-in is done: show the credential, hand it to a CLI on loopback, or approve a device login */
export type AfterSignIn =
  | { readonly kind: 'browser' }
  | { readonly kind: 'cli'; readonly redirect: string }
  | { readonly kind: 'device'; readonly userCode: string };

export interface SealedSignIn {
  readonly pending: PendingLogin;
  readonly after: AfterSignIn;
}

export interface SealOptions {
  readonly now: Date;
  /** seconds the sealed value stays valid */
  readonly maxAgeSeconds: number;
}

/** `key`: 32 bytes, the server's secret for this purpose */
export async function sealPendingLogin(signIn: SealedSignIn, key: Uint8Array, options: SealOptions): Promise<string> {
  checkKey(key);
  const issuedAt = Math.floor(options.now.getTime() / 1000);
  return new EncryptJWT({ pending: { ...signIn.pending }, after: { ...signIn.after } })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: PURPOSE })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + options.maxAgeSeconds)
    .encrypt(key);
}

export async function openPendingLogin(sealed: string | undefined, key: Uint8Array, options: { readonly now: Date }): Promise<SealedSignIn> {
  checkKey(key);
  if (sealed === undefined || sealed === '') throw refused('this browser has no sign-in in progress');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, key, {
      currentDate: options.now,
      typ: PURPOSE,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    }));
  } catch (error) {
    const expired = error instanceof Error && 'code' in error && error.code === 'ERR_JWT_EXPIRED';
    throw refused(expired ? 'the sign-in expired' : 'the sign-in cookie is not valid', error);
  }
  const pending = payload['pending'];
  const after = payload['after'];
  if (!isPendingLogin(pending) || !isAfterSignIn(after)) throw refused('the sign-in cookie is not valid');
  return { pending, after };
}

function isAfterSignIn(value: unknown): value is AfterSignIn {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  switch (record['kind']) {
    case 'browser':
      return true;
    case 'cli':
      return typeof record['redirect'] === 'string';
    case 'device':
      return typeof record['userCode'] === 'string';
    default:
      return false;
  }
}

function isPendingLogin(value: unknown): value is PendingLogin {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['state', 'nonce', 'codeVerifier', 'redirectUri', 'createdAt'].every((field) => typeof record[field] === 'string');
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new ParapetError('internal', `the sign-in cookie key has ${key.length} bytes, not 32`);
}

function refused(why: string, cause?: unknown): ParapetError {
  return new ParapetError('unauthenticated', `sign-in: ${why}: start it again`, cause === undefined ? {} : { cause });
}
