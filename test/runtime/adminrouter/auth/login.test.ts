// POST /acs/api/v1/auth/login through HTTP: local users (scrypt) and service accounts (a login token signed by the
// account's private key), the token it issues (admitted by the guard, RS256 with uid and exp), IAM-shaped
// refusals, and the failed-login rate limit (per address and per uid, on a manual clock).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { AccountStore } from '../../../../runtime/adminrouter/auth/account-store.ts';
import { ManualClock } from '../../../../runtime/time/manual-clock.ts';
import { login, PROTECTED_PATH, startAuthServer, type AuthServer } from './auth-fixture.ts';

const clock = new ManualClock(0, Date.now());
let server: AuthServer;
const service = generateKeyPairSync('rsa', { modulusLength: 2048 });
const LIFETIME_MS = 2 * 3_600_000;

before(async () => {
  server = await startAuthServer({ clock, authTokenLifetimeMs: LIFETIME_MS, loginRateLimit: { perAddress: 12, perUid: 3, windowMs: 60_000 } });
  const accounts = new AccountStore(`${server.dataDir}/auth`);
  await accounts.putUser('alice', 'correct horse');
  await accounts.putUser('carol', 'battery staple');
  await accounts.putServiceAccount('ci-bot', service.publicKey.export({ type: 'spki', format: 'pem' }).toString());
});
after(() => server.close());

const loginToken = (uid: string, key = service.privateKey, exp: number | undefined = Math.floor(clock.wallMs() / 1000) + 300) => {
  const jwt = new SignJWT({ uid }).setProtectedHeader({ alg: 'RS256' });
  if (exp !== undefined) jwt.setExpirationTime(exp);
  return jwt.sign(key);
};

async function tokenOf(r: Response): Promise<string> {
  const body = (await r.json()) as { token?: string };
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.deepEqual(Object.keys(body), ['token']);
  return body.token!;
}

async function assertAdmitted(token: string, uid: string): Promise<void> {
  const r = await fetch(`${server.url}${PROTECTED_PATH}`, { headers: { authorization: `token=${token}` } });
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { uid: string }).uid, uid);
}

async function assertInvalidCredentials(r: Response): Promise<void> {
  assert.equal(r.status, 401);
  const body = (await r.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'description', 'title']);
  assert.equal(body.code, 'ERR_INVALID_CREDENTIALS');
}

test('a local user logs in with uid and password: an RS256 token with uid and exp that the guard admits', async () => {
  const token = await tokenOf(await login(server.url, { uid: 'alice', password: 'correct horse' }));
  const header = decodeProtectedHeader(token);
  assert.equal(header.alg, 'RS256');
  assert.equal(typeof header.kid, 'string');
  const claims = decodeJwt(token);
  assert.equal(claims.uid, 'alice');
  assert.equal(claims.exp, Math.floor((clock.wallMs() + LIFETIME_MS) / 1000), 'auth_token_lifetime');
  await assertAdmitted(token, 'alice');
});

test('a service account logs in with a login token signed by its private key', async () => {
  const token = await tokenOf(await login(server.url, { uid: 'ci-bot', token: await loginToken('ci-bot') }));
  assert.equal(decodeJwt(token).uid, 'ci-bot');
  await assertAdmitted(token, 'ci-bot');
});

test('refusals are 401 {title,description,code}; bad bodies are 400 naming the problem', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const past = Math.floor(clock.wallMs() / 1000) - 3600;
  // At most 3 per uid and 12 per address: within the rate limit.
  const refused: [string, unknown][] = [
    ['wrong password', { uid: 'carol', password: 'wrong' }],
    ['unknown uid', { uid: 'mallory', password: 'whatever' }],
    ['login token by another key', { uid: 'ci-bot', token: await loginToken('ci-bot', other) }],
    ['login token for another uid', { uid: 'ci-bot', token: await loginToken('alice') }],
    ['expired login token', { uid: 'ci-bot', token: await loginToken('ci-bot', service.privateKey, past) }],
    ['a user logging in with a token', { uid: 'carol', token: await loginToken('carol') }],
  ];
  for (const [name, body] of refused) {
    const r = await login(server.url, body);
    await assertInvalidCredentials(r).catch((err: Error) => {
      throw new Error(`${name}: ${err.message}`);
    });
  }
  for (const body of [{ password: 'x' }, { uid: 'alice' }, { uid: 'alice', password: 'x', token: 'y' }, { uid: '../etc', password: 'x' }]) {
    const r = await login(server.url, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(((await r.json()) as { message: string }).message, /body/);
  }
});

test('failed logins are rate-limited per uid (429 with Retry-After) until the window passes; successes are not counted', async () => {
  const uid = 'dave';
  await new AccountStore(`${server.dataDir}/auth`).putUser(uid, 'right');
  for (let i = 0; i < 5; i++) assert.equal((await login(server.url, { uid, password: 'right' })).status, 200);
  for (let i = 0; i < 3; i++) await assertInvalidCredentials(await login(server.url, { uid, password: 'wrong' }));
  const limited = await login(server.url, { uid, password: 'right' });
  assert.equal(limited.status, 429, 'even the right password, once the limit is reached');
  assert.equal(limited.headers.get('retry-after'), '60');
  assert.equal(((await limited.json()) as { code: string }).code, 'ERR_TOO_MANY_LOGIN_ATTEMPTS');
  assert.equal((await login(server.url, { uid: 'alice', password: 'correct horse' })).status, 200, 'other uids go on');
  await clock.advance(45_000);
  assert.equal((await login(server.url, { uid, password: 'right' })).headers.get('retry-after'), '15');
  await clock.advance(15_000);
  assert.equal((await login(server.url, { uid, password: 'right' })).status, 200);
});

test('failed logins are rate-limited per client address too, whichever uids they name', async () => {
  await clock.advance(60_000); // the earlier tests' failures out of the window
  for (let i = 0; i < 12; i++) await assertInvalidCredentials(await login(server.url, { uid: `guess${i}`, password: 'x' }));
  const limited = await login(server.url, { uid: 'alice', password: 'correct horse' });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '60');
});
