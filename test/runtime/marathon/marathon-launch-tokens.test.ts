import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaunchTokens } from '../../../runtime/marathon/launch-tokens.ts';
import { masterTasks, startCluster, until } from './marathon-harness.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

test('launch tokens: used up, refilled to full one interval after first use, refill told only when they ran short', async () => {
  const time = new ManualClock(0, 0);
  let refills = 0;
  const tokens = new LaunchTokens({ tokens: 3, refreshIntervalMs: 30_000, timers: time, onRefill: () => refills++ });
  tokens.use(2);
  assert.equal(tokens.available, 1);
  tokens.use(5);
  assert.equal(tokens.available, 0);
  await time.advance(29_999);
  assert.equal(tokens.available, 0);
  await time.advance(1);
  assert.equal(tokens.available, 3);
  assert.equal(refills, 1);
  // Idle: no timer runs and nothing is refilled.
  await time.advance(120_000);
  assert.equal(refills, 1);
});

test('one big app launches at most launch_tokens tasks per refresh interval, then waits suppressed', { timeout: 60_000 }, async () => {
  const time = new ManualClock(0, Date.parse('2024-01-01T00:00:00Z'));
  const c = await startCluster({
    agents: 1,
    marathon: { time, launchTokens: 5, launchTokenRefreshIntervalMs: 30_000 },
  });
  try {
    const res = await c.api('POST', '/v2/apps', { id: '/big', cmd: 'sleep 100', cpus: 0.01, mem: 1, instances: 12 });
    assert.equal(res.status, 201);
    const framework = () => c.master.frameworks.get(c.marathon.frameworkId!)!;
    const waitingSuppressed = () => framework().suppressedRoles.has('slave_public');
    await until('5 launched and offers suppressed', () => masterTasks(c).length === 5 && waitingSuppressed());
    // Suppressed with tokens used up, Marathon gets no offers: nothing more launches until the refill.
    const queue = await c.api('GET', '/v2/queue');
    assert.equal(queue.body.queue[0].count, 7);
    assert.equal(masterTasks(c).length, 5);

    await time.advance(30_000);
    await until('10 launched and offers suppressed', () => masterTasks(c).length === 10 && waitingSuppressed());
    await time.advance(30_000);
    await until('all 12 launched', () => masterTasks(c).length === 12);
    assert.equal((await c.api('GET', '/v2/info')).body.marathon_config.launch_token, 5);
  } finally {
    await c.close();
  }
});
