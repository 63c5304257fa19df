// `minidc auth login|token|logout`, the real CLI process against an auth server in this process: each way of
// logging in (the data dir's first admin, a user and password, a service account's private key), the token store
// (0700 folder, 0600 file, keyed by URL), and one-line failures.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountStore } from '../../runtime/adminrouter/auth/account-store.ts';
import { firstAdminLoginHint } from '../../runtime/adminrouter/auth/first-admin-credential.ts';
import { storedToken } from '../../app/cli/token-store.ts';
import { PROTECTED_PATH, startAuthServer, type AuthServer } from '../runtime/adminrouter/auth/auth-fixture.ts';
import { minidcAsync } from '../support/minidc-cli.ts';

let dir: string;
let server: AuthServer;
let configDir: string;
const env = () => ({ ...process.env, MINIDC_CONFIG_DIR: configDir });
const auth = (...args: string[]) => minidcAsync(['auth', ...args], { env: env() });
const service = generateKeyPairSync('rsa', { modulusLength: 2048 });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-auth-cli-'));
  configDir = join(dir, 'config');
  server = await startAuthServer({ dataDir: join(dir, 'data') });
  await firstAdminLoginHint(server.dataDir);
  const accounts = new AccountStore(join(server.dataDir, 'auth'));
  await accounts.putUser('alice', 'correct horse');
  await accounts.putServiceAccount('ci-bot', service.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  await writeFile(join(dir, 'ci-bot.pem'), service.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  // The Admin Router's endpoint as minidc start publishes it, for the default --url.
  await writeFile(
    join(server.dataDir, 'endpoints.json'),
    JSON.stringify({ cluster: { id: 'c', name: 'minidc' }, nodes: [{ id: 'm', ip: '127.0.0.1', role: 'master', hostname: 'm', units: [], endpoints: { adminrouter: server.url } }] }),
  );
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function statusWith(token: string): Promise<number> {
  const r = await fetch(`${server.url}${PROTECTED_PATH}`, { headers: { authorization: `token=${token}` } });
  return r.status;
}

test('login with the data dir\'s first admin credential (URL from endpoints.json): token stored 0600 in a 0700 folder', async () => {
  const r = await auth('login', '--data-dir', server.dataDir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `logged in as admin at ${server.url}; token stored in ${join(configDir, 'tokens.json')}\n`);
  assert.equal((await stat(join(configDir, 'tokens.json'))).mode & 0o777, 0o600);
  assert.equal((await stat(configDir)).mode & 0o777, 0o700);
  const token = await storedToken(server.url, env());
  assert.ok(token !== undefined);
  assert.equal(await statusWith(token), 200);

  const printed = await auth('token', '--url', `${server.url}/`);
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal(printed.stdout, `${token}\n`, 'keyed by the URL, trailing slash or not');
});

test('login with --username and --password or --password-file, and as a service account with its private key', async () => {
  const withPassword = await auth('login', '--url', server.url, '--username', 'alice', '--password', 'correct horse');
  assert.equal(withPassword.status, 0, withPassword.stderr);
  assert.match(withPassword.stdout, /^logged in as alice at /);

  await writeFile(join(dir, 'alice.password'), 'correct horse\n');
  const withFile = await auth('login', '--url', server.url, '--username', 'alice', '--password-file', join(dir, 'alice.password'));
  assert.equal(withFile.status, 0, withFile.stderr);

  const sa = await auth('login', '--url', server.url, '--service-account', 'ci-bot', '--private-key', join(dir, 'ci-bot.pem'));
  assert.equal(sa.status, 0, sa.stderr);
  assert.match(sa.stdout, /^logged in as ci-bot at /);
  const tokens = JSON.parse(await readFile(join(configDir, 'tokens.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(tokens), [server.url]);
  assert.equal(await statusWith(tokens[server.url]!), 200);
});

test('failures are one line and exit 1: wrong password, bad flag combinations, nothing to log in with, not logged in', async () => {
  const cases: [string[], RegExp][] = [
    [['login', '--url', server.url, '--username', 'alice', '--password', 'wrong'], /^minidc: login as alice at .* refused: HTTP 401: the uid or password is wrong\n$/],
    [['login', '--url', server.url, '--username', 'alice'], /^minidc: --username needs one of --password or --password-file\n$/],
    [['login', '--url', server.url, '--service-account', 'ci-bot'], /^minidc: --service-account and --private-key go together\n$/],
    [['login', '--url', server.url, '--service-account', 'ci-bot', '--private-key', join(dir, 'alice.password')], /is not a PEM private key\n$/],
    [['login', '--url', server.url, '--data-dir', join(dir, 'nowhere')], /no credentials given and .*admin-credential.json does not exist/],
    [['login', '--data-dir', join(dir, 'nowhere')], /no --url given and .*endpoints.json does not exist/],
    [['token', '--url', 'http://127.0.0.1:1'], /^minidc: not logged in at http:\/\/127.0.0.1:1 \(minidc auth login\)\n$/],
  ];
  // Independent of each other: run together, the suite stays fast.
  const results = await Promise.all(cases.map(([args]) => auth(...args)));
  for (const [i, [args, stderr]] of cases.entries()) {
    assert.equal(results[i]!.status, 1, `${args.join(' ')}: ${results[i]!.stdout}`);
    assert.match(results[i]!.stderr, stderr, args.join(' '));
  }
});

test('logout forgets the URL\'s token', async () => {
  assert.equal((await auth('login', '--data-dir', server.dataDir)).status, 0);
  const r = await auth('logout', '--url', server.url);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `logged out of ${server.url}\n`);
  assert.equal(await storedToken(server.url, env()), undefined);
  assert.equal((await auth('token', '--url', server.url)).status, 1);
});
