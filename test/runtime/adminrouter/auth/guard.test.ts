// The Admin Router guard through HTTP: which tokens it admits (RS256 by the cluster's key, HS256 by the configured
// secret; from either Authorization form or the cookie) and which it answers 401 with WWW-Authenticate: oauthjwt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import { PROTECTED_PATH, startAuthServer, type AuthServer, type Upstream } from './auth-fixture.ts';

const HS256_SECRET = 'a shared secret of more than thirty-two bytes';
let dir: string;
let server: AuthServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-guard-'));
  const secretFile = join(dir, 'hs256.secret');
  await writeFile(secretFile, `${HS256_SECRET}\n`);
  server = await startAuthServer({ dataDir: join(dir, 'data'), authHs256SecretFile: secretFile });
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const hour = () => Math.floor(Date.now() / 1000) + 3600;
const rs256 = (claims: Record<string, unknown>, key = server.signingKey, header: Record<string, unknown> = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(key);
const hs256 = (claims: Record<string, unknown>, secret = HS256_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

const get = (headers: Record<string, string>) =>
  fetch(`${server.url}${PROTECTED_PATH}`, { headers, signal: AbortSignal.timeout(10_000) });

async function assertRefused(headers: Record<string, string>, reason: RegExp): Promise<void> {
  const r = await get(headers);
  const body = await r.text();
  assert.equal(r.status, 401, body);
  assert.equal(r.headers.get('www-authenticate'), 'oauthjwt');
  assert.equal(r.headers.get('content-type'), 'text/html; charset=UTF-8');
  assert.match(body, /<title>Unauthorized<\/title>/);
  assert.match(body, reason);
}

test('401 with WWW-Authenticate: oauthjwt and the HTML page without any token', async () => {
  await assertRefused({}, /no token/);
  await assertRefused({ cookie: 'other=1' }, /no token/);
});

test('a client accepting only JSON gets the reason as IAM-shaped JSON', async () => {
  const r = await get({ accept: 'application/json', authorization: 'token=not.a.jwt' });
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), 'oauthjwt');
  assert.match(r.headers.get('content-type')!, /^application\/json/);
  assert.deepEqual(await r.json(), { title: 'Unauthorized', description: 'the token is not a well-formed JWT', code: 'ERR_INVALID_AUTH_TOKEN' });
});

test('malformed, tampered, expired, wrong-key, unknown-kid, alg none, wrong HS256 secret, uid-less or exp-less tokens: 401', async () => {
  const good = await rs256({ uid: 'alice', exp: hour() });
  const [head, , signature] = good.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ uid: 'root', exp: hour() })).toString('base64url');
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const cases: [string, string, RegExp][] = [
    ['malformed', 'abc.def', /not a well-formed JWT/],
    ['garbage', 'token', /not a well-formed JWT/],
    ['tampered payload', `${head}.${forgedPayload}.${signature}`, /signature is invalid/],
    ['expired', await rs256({ uid: 'alice', exp: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ['wrong key', await rs256({ uid: 'alice', exp: hour() }, otherKey), /signature is invalid/],
    ['unknown kid', await rs256({ uid: 'alice', exp: hour() }, otherKey, { kid: 'someone-else' }), /does not know \(kid\)/],
    ['alg none', new UnsecuredJWT({ uid: 'alice' }).setExpirationTime('1h').encode(), /not accepted|not a well-formed/],
    ['HS256 wrong secret', await hs256({ uid: 'alice', exp: hour() }, 'another secret, also long enough to be used'), /signature is invalid/],
    ['no uid', await rs256({ sub: 'alice', exp: hour() }), /no uid claim/],
    ['uid not a string', await rs256({ uid: 42, exp: hour() }), /no uid claim/],
    ['no exp', await rs256({ uid: 'alice' }), /exp claim is missing/],
  ];
  for (const [name, token, reason] of cases) {
    await assertRefused({ authorization: `token=${token}` }, reason).catch((err: Error) => {
      throw new Error(`${name}: ${err.message}`);
    });
  }
  // Neither header form: no token, whatever the cookie holds (the header overrides it).
  await assertRefused({ authorization: `Basic ${good}`, cookie: `dcos-acs-auth-cookie=${good}` }, /neither token=/);
});

test('a good RS256 token via either header form and a good HS256 token: 200 with its uid', async () => {
  const token = await rs256({ uid: 'alice', exp: hour() });
  for (const authorization of [`token=${token}`, `Bearer ${token}`]) {
    const r = await get({ authorization });
    assert.equal(r.status, 200, authorization);
    const upstream = (await r.json()) as Upstream;
    assert.equal(upstream.uid, 'alice');
    assert.equal(upstream.authorization, authorization, 'a header token reaches the upstream as sent');
  }
  const hs = await get({ authorization: `token=${await hs256({ uid: 'ci-bot', exp: hour() })}` });
  assert.equal(hs.status, 200);
  assert.equal(((await hs.json()) as Upstream).uid, 'ci-bot');
});

test('the cookie: admitted, both auth cookies stripped upstream, the token handed on as Authorization: token=', async () => {
  const token = await rs256({ uid: 'bob', exp: hour() });
  const r = await get({ cookie: `theme=dark; dcos-acs-auth-cookie=${token}; dcos-acs-info-cookie=eyJ1aWQiOiJib2IifQ==; lang=en` });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { uid: 'bob', cookie: 'theme=dark; lang=en', authorization: `token=${token}` });

  const only = await get({ cookie: `dcos-acs-auth-cookie=${token}` });
  assert.deepEqual(await only.json(), { uid: 'bob', cookie: null, authorization: `token=${token}` }, 'no Cookie header left');

  // The header wins over the cookie: a bad header is refused even with a good cookie.
  await assertRefused({ authorization: 'token=abc.def', cookie: `dcos-acs-auth-cookie=${token}` }, /not a well-formed/);
});

test('without auth_hs256_secret_file an HS256 token is refused', async () => {
  const plain = await startAuthServer();
  try {
    const token = await hs256({ uid: 'alice', exp: hour() });
    const r = await fetch(`${plain.url}${PROTECTED_PATH}`, { headers: { authorization: `token=${token}` } });
    assert.equal(r.status, 401);
    assert.match(await r.text(), /algorithm that is not accepted/);
  } finally {
    await plain.close();
  }
});
