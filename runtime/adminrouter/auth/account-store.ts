/**
 * `<data_dir>/auth/accounts.json` (0600, replaced atomically): the cluster's local users (uid → scrypt password
 * hash) and service accounts (uid → PEM public key, which verifies the login tokens the account signs with its
 * private key). Read at each use, so an account added while the cluster runs counts at once; logins are rare.
 */
import { createPublicKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-file.ts';
import { hashPassword, type PasswordHash } from './password-hash.ts';
import { readIfExists } from '../../storage/read-if-exists.ts';

export const ACCOUNTS_FILE = 'accounts.json';

export interface Accounts {
  users: Record<string, { password: PasswordHash }>;
  serviceAccounts: Record<string, { publicKey: string }>;
}

/** DC/OS uids: letters, digits and `@._-`, as IAM allowed; anything else is refused before it reaches a file. */
export const UID_PATTERN = '^[A-Za-z0-9@._-]{1,96}$';
const UID = new RegExp(UID_PATTERN);

export class AccountError extends Error {}

export class AccountStore {
  readonly path: string;
  /** Writes one after another, so two concurrent additions cannot lose each other's account. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly authDir: string) {
    this.path = join(authDir, ACCOUNTS_FILE);
  }

  async read(): Promise<Accounts> {
    const text = await readIfExists(this.path).catch((err: Error) => {
      throw new AccountError(`cannot read ${this.path}: ${err.message}`);
    });
    if (text === undefined) return { users: Object.create(null), serviceAccounts: Object.create(null) };
    try {
      const parsed = JSON.parse(text) as Partial<Accounts>;
      // Without a prototype, a uid such as `__proto__` or `constructor` is just a key.
      return { users: Object.assign(Object.create(null), parsed.users), serviceAccounts: Object.assign(Object.create(null), parsed.serviceAccounts) };
    } catch {
      throw new AccountError(`${this.path} is not valid JSON`);
    }
  }

  async isEmpty(): Promise<boolean> {
    const accounts = await this.read();
    return Object.keys(accounts.users).length === 0 && Object.keys(accounts.serviceAccounts).length === 0;
  }

  async user(uid: string): Promise<{ password: PasswordHash } | undefined> {
    const accounts = await this.read();
    return Object.hasOwn(accounts.users, uid) ? accounts.users[uid] : undefined;
  }

  async serviceAccount(uid: string): Promise<{ publicKey: string } | undefined> {
    const accounts = await this.read();
    return Object.hasOwn(accounts.serviceAccounts, uid) ? accounts.serviceAccounts[uid] : undefined;
  }

  /** Adds or replaces a local user. */
  async putUser(uid: string, password: string): Promise<void> {
    checkUid(uid);
    if (password === '') throw new AccountError('a password must not be empty');
    const hash = await hashPassword(password);
    await this.update((accounts) => (accounts.users[uid] = { password: hash }));
  }

  /** Adds or replaces a service account; `publicKeyPem` must be an RSA public key (its login tokens are RS256). */
  async putServiceAccount(uid: string, publicKeyPem: string): Promise<void> {
    checkUid(uid);
    let type: string | undefined;
    try {
      type = createPublicKey(publicKeyPem).asymmetricKeyType;
    } catch {
      throw new AccountError(`the public key of service account ${uid} is not a PEM public key`);
    }
    if (type !== 'rsa') throw new AccountError(`the public key of service account ${uid} must be an RSA key, not ${type}`);
    await this.update((accounts) => (accounts.serviceAccounts[uid] = { publicKey: publicKeyPem }));
  }

  private update(change: (accounts: Accounts) => void): Promise<void> {
    const run = this.writing.then(async () => {
      const accounts = await this.read();
      change(accounts);
      await mkdir(this.authDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, `${JSON.stringify(accounts, null, 2)}\n`);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}

function checkUid(uid: string): void {
  if (!UID.test(uid)) throw new AccountError(`uid '${uid}' must be 1-96 letters, digits or @ . _ -`);
}
