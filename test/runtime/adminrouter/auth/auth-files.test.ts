// What auth keeps in <data_dir>/auth/: the signing key (0600, made once, reused after a restart so earlier tokens
// stay valid), accounts.json (0600, no plain passwords) and the first admin credential (0600, made once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstAdminLoginHint, ensureFirstAdminCredential } from '../../../../runtime/adminrouter/auth/first-admin-credential.ts';
import { AccountStore } from '../../../../runtime/adminrouter/auth/account-store.ts';
import { createAdminRouterAuth } from '../../../../runtime/adminrouter/auth/jwt-auth.ts';
import { login, PROTECTED_PATH, startAuthServer } from './auth-fixture.ts';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

async function withDataDir(body: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'minidc-auth-files-'));
  try {
    await body(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

test('the signing key is made once (0600) and reused after a restart: a token from before still admits', () =>
  withDataDir(async (dataDir) => {
    const first = await startAuthServer({ dataDir });
    const key = await readFile(join(dataDir, 'auth', 'jwt-signing-key.pem'), 'utf8');
    assert.equal(await modeOf(join(dataDir, 'auth', 'jwt-signing-key.pem')), 0o600);
    assert.equal(await modeOf(join(dataDir, 'auth')), 0o700);
    await new AccountStore(join(dataDir, 'auth')).putUser('alice', 'pw');
    const { token } = (await (await login(first.url, { uid: 'alice', password: 'pw' })).json()) as { token: string };
    await first.close();

    const second = await startAuthServer({ dataDir });
    try {
      assert.equal(await readFile(join(dataDir, 'auth', 'jwt-signing-key.pem'), 'utf8'), key, 'same key');
      const r = await fetch(`${second.url}${PROTECTED_PATH}`, { headers: { authorization: `token=${token}` } });
      assert.equal(r.status, 200);
    } finally {
      await second.close();
    }
  }));

test('a signing key file that is not a key, or a short HS256 secret, fails creation with a one-line reason', () =>
  withDataDir(async (dataDir) => {
    await startAuthServer({ dataDir }).then((s) => s.close());
    const secret = join(dataDir, 'short.secret');
    await writeFile(secret, 'short\n');
    await assert.rejects(createAdminRouterAuth({ dataDir, authHs256SecretFile: secret }), /at least 32 bytes/);
    await assert.rejects(createAdminRouterAuth({ dataDir, authHs256SecretFile: join(dataDir, 'missing') }), /ENOENT/);
    await writeFile(join(dataDir, 'auth', 'jwt-signing-key.pem'), 'not a key');
    await assert.rejects(createAdminRouterAuth({ dataDir }), /is not a PEM private key/);
  }));

test('first admin: made when there is no account (credential and accounts 0600, password hashed), kept as is on restart', () =>
  withDataDir(async (dataDir) => {
    const authDir = join(dataDir, 'auth');
    const hint = await firstAdminLoginHint(dataDir);
    assert.equal(hint, `minidc: Admin Router login: minidc auth login --data-dir ${dataDir} (uses ${join(authDir, 'admin-credential.json')}, mode 0600)`);
    const credentialText = await readFile(join(authDir, 'admin-credential.json'), 'utf8');
    const credential = JSON.parse(credentialText) as { uid: string; password: string };
    assert.equal(credential.uid, 'admin');
    assert.ok(credential.password.length >= 24);
    assert.equal(await modeOf(join(authDir, 'admin-credential.json')), 0o600);
    assert.equal(await modeOf(join(authDir, 'accounts.json')), 0o600);
    const accountsText = await readFile(join(authDir, 'accounts.json'), 'utf8');
    assert.ok(!accountsText.includes(credential.password), 'no plain password in accounts.json');

    // A restart: same credential, same account.
    assert.equal(await firstAdminLoginHint(dataDir), hint);
    assert.equal(await readFile(join(authDir, 'admin-credential.json'), 'utf8'), credentialText);
    assert.equal(await readFile(join(authDir, 'accounts.json'), 'utf8'), accountsText);
    assert.deepEqual((await readdir(authDir)).sort(), ['accounts.json', 'admin-credential.json']);

    const server = await startAuthServer({ dataDir });
    try {
      assert.equal((await login(server.url, credential)).status, 200, 'the credential logs in');
    } finally {
      await server.close();
    }
  }));

test('first admin: a crash after the credential file but before the account: the next start enrols that password', () =>
  withDataDir(async (dataDir) => {
    const authDir = join(dataDir, 'auth');
    await ensureFirstAdminCredential(authDir);
    const credential = await readFile(join(authDir, 'admin-credential.json'), 'utf8');
    await rm(join(authDir, 'accounts.json'));
    await ensureFirstAdminCredential(authDir);
    assert.equal(await readFile(join(authDir, 'admin-credential.json'), 'utf8'), credential);
    assert.ok((await new AccountStore(authDir).user('admin')) !== undefined);
  }));

test('first admin: none when accounts were set up otherwise', () =>
  withDataDir(async (dataDir) => {
    await new AccountStore(join(dataDir, 'auth')).putUser('ops', 'pw');
    assert.equal(await firstAdminLoginHint(dataDir), undefined);
    assert.deepEqual(await readdir(join(dataDir, 'auth')), ['accounts.json']);
  }));
