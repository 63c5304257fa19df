/**
 * The cluster's first login: when `<data_dir>/auth/` holds no account yet, a local user `admin` with a random
 * password, which is also written to `admin-credential.json` (0600) for `minidc auth login --data-dir` to use.
 * The credential file is written before the account, so a crash between the two leaves a file whose password the
 * next start then enrols; a restart with the account in place keeps both as they are.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-file.ts';
import { AccountStore } from './account-store.ts';
import { authDirOf } from './auth-dir.ts';
import { readIfExists } from '../../storage/read-if-exists.ts';

export const ADMIN_CREDENTIAL_FILE = 'admin-credential.json';
export const FIRST_ADMIN_UID = 'admin';

export interface AdminCredential {
  uid: string;
  password: string;
}

/** The credential file's path when there is one (made now or before); undefined when accounts exist without it. */
export async function ensureFirstAdminCredential(authDir: string): Promise<string | undefined> {
  const accounts = new AccountStore(authDir);
  const path = join(authDir, ADMIN_CREDENTIAL_FILE);
  const existing = await readAdminCredential(path);
  if (!(await accounts.isEmpty())) return existing === undefined ? undefined : path;
  let credential = existing;
  if (credential === undefined) {
    credential = { uid: FIRST_ADMIN_UID, password: randomBytes(24).toString('base64url') };
    await mkdir(authDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${JSON.stringify(credential, null, 2)}\n`);
  }
  await accounts.putUser(credential.uid, credential.password);
  return path;
}

/**
 * `minidc start`'s line on how to log in (making the first admin when there is no account yet); undefined when the
 * accounts were set up some other way.
 */
export async function firstAdminLoginHint(dataDir: string): Promise<string | undefined> {
  const path = await ensureFirstAdminCredential(authDirOf(dataDir));
  return path === undefined ? undefined : `minidc: Admin Router login: minidc auth login --data-dir ${dataDir} (uses ${path}, mode 0600)`;
}

export async function readAdminCredential(path: string): Promise<AdminCredential | undefined> {
  const text = await readIfExists(path);
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as Partial<AdminCredential>;
  if (typeof parsed.uid !== 'string' || typeof parsed.password !== 'string') throw new Error(`${path} holds no uid and password`);
  return { uid: parsed.uid, password: parsed.password };
}
