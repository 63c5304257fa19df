// Power of two choices and the circuit breaker, alone, with scripted randomness and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackendBreaker } from '../../../runtime/l4lb/backend-breaker.ts';
import { pickPowerOfTwo } from '../../../runtime/l4lb/power-of-two-choices.ts';

interface B {
  name: string;
  pending: number;
  down: boolean;
}
const backend = (name: string, pending = 0, down = false): B => ({ name, pending, down });

/** Random draws from a script: each value is the fraction that picks the wanted index. */
function scripted(...values: number[]): () => number {
  return () => {
    const v = values.shift();
    if (v === undefined) throw new Error('more draws than scripted');
    return v;
  };
}

test('of the two drawn backends, the one with fewer pending connections wins', () => {
  const [a, b, c] = [backend('a', 3), backend('b', 0), backend('c', 1)];
  // First draw index 0 of 3 (a), second index 2 of the remaining 2 → c: c has fewer pending than a.
  assert.equal(pickPowerOfTwo([a, b, c], scripted(0.0, 0.99)), c);
  // a and b: b is idle.
  assert.equal(pickPowerOfTwo([a, b, c], scripted(0.0, 0.0)), b);
  // c first, then index 1 of the other two (a, b) → b: b.
  assert.equal(pickPowerOfTwo([a, b, c], scripted(0.9, 0.6)), b);
  // c first, then index 0 of the others → a: c has fewer pending.
  assert.equal(pickPowerOfTwo([a, b, c], scripted(0.9, 0.0)), c);
});

test('the two draws are always distinct backends, and a tie keeps the first draw', () => {
  const [a, b] = [backend('a', 2), backend('b', 2)];
  for (const first of [0, 0.6]) {
    const picked = pickPowerOfTwo([a, b], scripted(first, 0.0));
    assert.equal(picked, first < 0.5 ? a : b);
  }
});

test('with two backends it always takes the less loaded one, whatever the draws', () => {
  const [a, b] = [backend('a', 5), backend('b', 4)];
  for (const r of [0, 0.3, 0.7, 0.99]) assert.equal(pickPowerOfTwo([a, b], () => r), b);
});

test('down backends are skipped unless every backend is down; excluded ones are never taken', () => {
  const [a, b, c] = [backend('a', 9), backend('b', 0, true), backend('c', 0, true)];
  assert.equal(pickPowerOfTwo([a, b, c], Math.random), a);
  a.down = true;
  assert.ok([b, c].includes(pickPowerOfTwo([a, b, c], scripted(0.0, 0.0))!), 'all down: still tries one');
  assert.equal(pickPowerOfTwo([a, b, c], Math.random, new Set([a, b])), c);
  assert.equal(pickPowerOfTwo([a, b, c], Math.random, new Set([a, b, c])), undefined);
  assert.equal(pickPowerOfTwo([], Math.random), undefined);
});

test('the breaker opens after 5 consecutive failures, for 30 s after the last one', () => {
  const breaker = new BackendBreaker(5, 30_000);
  for (let i = 0; i < 4; i++) assert.equal(breaker.recordFailure(1000 + i), false);
  breaker.recordSuccess(1004); // a success resets the count
  for (let i = 0; i < 4; i++) assert.equal(breaker.recordFailure(2000 + i), false);
  assert.equal(breaker.isDown(2004), false);
  assert.equal(breaker.recordFailure(2004), true);
  assert.equal(breaker.isDown(2004 + 29_999), true);
  assert.equal(breaker.isDown(2004 + 30_000), false);
  // Back from its down period, one more failure puts it straight down again.
  assert.equal(breaker.recordFailure(40_000), true);
  assert.equal(breaker.isDown(40_000 + 29_999), true);
  assert.equal(breaker.recordSuccess(40_001), true, 'success while down reports it was down');
  assert.equal(breaker.isDown(40_002), false);
  assert.equal(breaker.consecutiveFailures, 0);
});
