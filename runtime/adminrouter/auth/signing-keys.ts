/**
 * The cluster's token signing keys: an RS256 key pair made on first use in `<data_dir>/auth/` and kept there (the
 * private key 0600), so tokens issued before a restart stay valid after it; and, optionally, an HS256 secret read
 * from a file (`auth_hs256_secret_file`) for tokens made by tools that share it.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { writeFileAtomic } from '../../storage/atomic-file.ts';
import { readIfExists } from '../../storage/read-if-exists.ts';

export const PRIVATE_KEY_FILE = 'jwt-signing-key.pem';
export const PUBLIC_KEY_FILE = 'jwt-verification-key.pem';

/** Shorter secrets make HS256 guessable offline from any one token (RFC 7518 §3.2: at least the hash's size). */
const MIN_HS256_SECRET_BYTES = 32;

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key's JWK thumbprint: the `kid` of every token minidc issues, so a token naming another key is refused. */
  kid: string;
  /** HS256 secret; absent: HS256 tokens are refused. */
  hs256Secret?: Uint8Array;
}

export class AuthKeyError extends Error {}

/** `<authDir>/jwt-signing-key.pem` (made when missing) and, when `hs256SecretFile` is given, the secret in it. */
export async function loadSigningKeys(authDir: string, hs256SecretFile?: string): Promise<SigningKeys> {
  const privateKey = await loadOrCreatePrivateKey(authDir);
  const publicKey = createPublicKey(privateKey);
  // For upstreams that verify tokens themselves (DC/OS's AUTH_TOKEN_VERIFICATION_KEY_FILE_PATH).
  const publicPath = join(authDir, PUBLIC_KEY_FILE);
  if (!(await exists(publicPath))) await writeFileAtomic(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const hs256Secret = hs256SecretFile === undefined ? undefined : await readHs256Secret(hs256SecretFile);
  return { privateKey, publicKey, kid, ...(hs256Secret === undefined ? {} : { hs256Secret }) };
}

async function loadOrCreatePrivateKey(authDir: string): Promise<KeyObject> {
  const path = join(authDir, PRIVATE_KEY_FILE);
  const pem = await readIfExists(path).catch((err: Error) => {
    throw new AuthKeyError(`cannot read ${path}: ${err.message}`);
  });
  if (pem !== undefined) {
    try {
      return createPrivateKey(pem);
    } catch {
      throw new AuthKeyError(`${path} is not a PEM private key (remove it to have a new key made; issued tokens then stop working)`);
    }
  }
  await mkdir(authDir, { recursive: true, mode: 0o700 });
  const pair = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  await writeFileAtomic(path, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return pair.privateKey;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

async function readHs256Secret(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new AuthKeyError(`auth_hs256_secret_file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // A trailing newline is the editor's, not the secret's.
  const secret = Buffer.from(raw.toString('utf8').replace(/\r?\n$/, ''), 'utf8');
  if (secret.length < MIN_HS256_SECRET_BYTES)
    throw new AuthKeyError(`auth_hs256_secret_file ${path}: the secret must be at least ${MIN_HS256_SECRET_BYTES} bytes`);
  return new Uint8Array(secret);
}
