import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaunchBackoff } from '../../../runtime/marathon/launch-backoff.ts';
import { parseRunSpec, type RunSpec } from '../../../runtime/marathon/run-spec.ts';

function spec(over: Record<string, unknown> = {}): RunSpec {
  const r = parseRunSpec({ id: '/app', cmd: 'x', backoffSeconds: 1, backoffFactor: 2, maxLaunchDelaySeconds: 5, ...over });
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.spec;
}

test('delays grow by the factor up to the cap, then reset after a run that went fine', () => {
  const now = 0;
  const backoff = new LaunchBackoff({ now: () => now });
  const s = spec();
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) delays.push(backoff.recordFailure('/app', s, 'v1', false) - now);
  assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
  assert.equal(backoff.recordFailure('/app', s, 'v1', true) - now, 1000);
  assert.equal(backoff.recordFailure('/app', s, 'v1', false) - now, 2000);
  // A new config version starts over.
  assert.equal(backoff.recordFailure('/app', s, 'v2', false) - now, 1000);
});

test('an app is delayed until its time has come; reset forgets the delay', () => {
  let now = 10_000;
  const backoff = new LaunchBackoff({ now: () => now });
  assert.equal(backoff.delayedUntil('/app'), undefined);
  backoff.recordFailure('/app', spec(), 'v1', false);
  assert.equal(backoff.delayedUntil('/app'), 11_000);
  now = 11_000;
  assert.equal(backoff.delayedUntil('/app'), undefined);
  now = 10_500;
  backoff.reset('/app');
  assert.equal(backoff.delayedUntil('/app'), undefined);
});

test('backoffSeconds 0 never delays', () => {
  const backoff = new LaunchBackoff({ now: () => 0 });
  backoff.recordFailure('/app', spec({ backoffSeconds: 0 }), 'v1', false);
  assert.equal(backoff.delayedUntil('/app'), undefined);
});
