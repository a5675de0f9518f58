/**
 * The key encryption key: 32 bytes that encrypt the signing keys' private halves at rest
 * (AES-256-GCM, seal/open below). It is the one secret to back up: without it the stored signing
 * keys are useless, and every credential they signed stops verifying once the keys are remade.
 *
 * Where it comes from:
 * - `PARAPET_KEY_ENCRYPTION_KEY` (setting `keyEncryptionKey`): base64 of exactly 32 bytes;
 * - else, with the embedded SQLite database, a key generated once into
 *   `<stateDir>/key-encryption.key` (mode 0600) and read from there afterwards;
 * - else (PostgreSQL, several processes) the server refuses to start: each process would make a
 *   key of its own, and none could read the others' signing keys.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParapetError } from '../policy/index.ts';

export const KEY_ENCRYPTION_KEY_BYTES = 32;
export const KEY_ENCRYPTION_KEY_FILE = 'key-encryption.key';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** base64 of exactly 32 bytes, with its padding: `openssl rand -base64 32` */
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

export function parseKeyEncryptionKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64_32.test(trimmed)) {
    throw new ParapetError('usage', `${where}: the key encryption key must be the base64 of exactly ${KEY_ENCRYPTION_KEY_BYTES} random bytes (make one with \`openssl rand -base64 32\`)`);
  }
  return Buffer.from(trimmed, 'base64');
}

export interface KeyEncryptionKeySource {
  /** the `keyEncryptionKey` setting, as given */
  readonly given: string | undefined;
  readonly database: 'sqlite' | 'postgres';
  readonly stateDir: string;
}

export function resolveKeyEncryptionKey(source: KeyEncryptionKeySource): Buffer {
  if (source.given !== undefined) return parseKeyEncryptionKey(source.given, 'PARAPET_KEY_ENCRYPTION_KEY');
  if (source.database === 'postgres') {
    throw new ParapetError(
      'usage',
      'no key encryption key: with PostgreSQL every server process needs the same PARAPET_KEY_ENCRYPTION_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), kept as a secret and backed up',
    );
  }
  return generatedKeyEncryptionKey(join(source.stateDir, KEY_ENCRYPTION_KEY_FILE));
}

/** the key in the state folder, made on first use; `wx` so two processes cannot both write one */
function generatedKeyEncryptionKey(file: string): Buffer {
  try {
    writeFileSync(file, `${randomBytes(KEY_ENCRYPTION_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw new ParapetError('unwritable-file', `cannot create the key encryption key file \`${file}\`: ${code ?? String(error)}`, { path: file });
  }
  let text: string;
  try {
    // anyone else who can read it can decrypt the signing keys: refuse rather than use it
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new ParapetError('usage', `the key encryption key file \`${file}\` can be read by others (mode ${mode.toString(8)}): run \`chmod 600\` on it`, { path: file });
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ParapetError) throw error;
    throw new ParapetError('unreadable-file', `cannot read the key encryption key file \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { path: file });
  }
  return parseKeyEncryptionKey(text, `the file \`${file}\``);
}

export interface Sealed {
  /** base64 of the ciphertext followed by the 16-byte tag */
  readonly ciphertext: string;
  /** base64 of the 12-byte nonce, random for every seal */
  readonly nonce: string;
}

/**
 * AES-256-GCM with a fresh random nonce. `context` is authenticated but not encrypted (the key's
 * `kid`): a ciphertext copied to another row does not open there.
 */
export function seal(kek: Buffer, plaintext: string, context: string): Sealed {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext: encrypted.toString('base64'), nonce: nonce.toString('base64') };
}

/** the plaintext, or undefined when the key, the context or the bytes are not the sealed ones */
export function open(kek: Buffer, sealed: Sealed, context: string): string | undefined {
  const data = Buffer.from(sealed.ciphertext, 'base64');
  const nonce = Buffer.from(sealed.nonce, 'base64');
  if (data.length < TAG_BYTES || nonce.length !== NONCE_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, nonce);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
