// The verified-token cache alone (driven by a manual clock) and through the guard: a cached token is refused at its
// exp like any other, the least recently used entry goes first, and only tokens that verified are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { VerifiedTokenCache } from '../../../../runtime/adminrouter/auth/verified-token-cache.ts';
import { ManualClock } from '../../../../runtime/time/manual-clock.ts';
import { PROTECTED_PATH, startAuthServer } from './auth-fixture.ts';

test('an entry answers until its exp, then is gone', () => {
  const clock = new ManualClock();
  const cache = new VerifiedTokenCache(clock);
  const exp = clock.wallMs() / 1000 + 60;
  cache.remember('t1', 'alice', exp);
  assert.equal(cache.uidOf('t1'), 'alice');
  clock.advance(59_999);
  assert.equal(cache.uidOf('t1'), 'alice');
  clock.advance(1);
  assert.equal(cache.uidOf('t1'), undefined);
  assert.equal(cache.size, 0);
  cache.remember('t2', 'bob', clock.wallMs() / 1000);
  assert.equal(cache.size, 0, 'a token already at its exp is not kept');
});

test('bounded: the least recently used token is dropped first', () => {
  const clock = new ManualClock();
  const cache = new VerifiedTokenCache(clock, 2);
  const exp = clock.wallMs() / 1000 + 3600;
  cache.remember('a', 'alice', exp);
  cache.remember('b', 'bob', exp);
  assert.equal(cache.uidOf('a'), 'alice'); // a is now the most recently used
  cache.remember('c', 'carol', exp);
  assert.equal(cache.size, 2);
  assert.equal(cache.uidOf('b'), undefined);
  assert.deepEqual([cache.uidOf('a'), cache.uidOf('c')], ['alice', 'carol']);
});

test('through the guard: a token admitted (and cached) is refused once its exp has passed', async (t) => {
  const clock = new ManualClock(0, Date.now());
  const server = await startAuthServer({ clock });
  t.after(() => server.close());
  const exp = Math.floor(clock.wallMs() / 1000) + 60;
  const token = await new SignJWT({ uid: 'alice', exp }).setProtectedHeader({ alg: 'RS256' }).sign(server.signingKey);
  const get = () => fetch(`${server.url}${PROTECTED_PATH}`, { headers: { authorization: `token=${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  for (let i = 0; i < 3; i++) assert.equal((await get()).status, 200);
  // Past exp and the verifier's 30 s clock tolerance: the cache must not keep it alive.
  clock.advance(60_000 + 31_000);
  const refused = await get();
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as { description: string }).description, 'the token has expired');
});

test('a token that fails verification is never admitted later from the cache', async (t) => {
  const server = await startAuthServer();
  t.after(() => server.close());
  const good = await new SignJWT({ uid: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(server.signingKey);
  const tampered = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  const get = (token: string) => fetch(`${server.url}${PROTECTED_PATH}`, { headers: { authorization: `token=${token}` }, signal: AbortSignal.timeout(10_000) });
  assert.equal((await get(good)).status, 200);
  for (let i = 0; i < 2; i++) assert.equal((await get(tampered)).status, 401);
});
