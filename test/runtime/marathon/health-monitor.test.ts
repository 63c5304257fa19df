import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthMonitor } from '../../../runtime/marathon/health-monitor.ts';
import type { HealthCheck } from '../../../runtime/marathon/health-checks.ts';
import type { ProbeRequest, ProbeResult } from '../../../runtime/marathon/health-probes.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

function check(over: Partial<HealthCheck> = {}): HealthCheck {
  return {
    protocol: 'HTTP',
    path: '/health',
    portIndex: 0,
    gracePeriodSeconds: 10,
    intervalSeconds: 2,
    timeoutSeconds: 1,
    maxConsecutiveFailures: 3,
    delaySeconds: 0,
    ...over,
  };
}

function setup(answers: () => ProbeResult | Promise<ProbeResult>) {
  const time = new ManualClock(0, 0);
  const requests: ProbeRequest[] = [];
  const unhealthy: string[] = [];
  const changes: string[] = [];
  const monitor = new HealthMonitor({
    timers: time,
    now: () => time.wallMs(),
    probe: async (req) => {
      requests.push(req);
      return answers();
    },
    commandCwd: () => '/tmp/cwd',
    onUnhealthy: (id, cause) => unhealthy.push(`${id}: ${cause}`),
    onChange: (id) => changes.push(id),
  });
  return { time, monitor, requests, unhealthy, changes };
}

const target = { host: '10.0.0.1', ports: [31000, 31001], env: { PORT0: '31000' } };

test('probes every interval against the task port; a pass makes the task healthy', async () => {
  const h = setup(() => ({ healthy: true }));
  h.monitor.watch('t1', [check({ portIndex: 1 })], target, 0);
  await h.time.advance(1999);
  assert.equal(h.requests.length, 0);
  await h.time.advance(1);
  assert.deepEqual(h.requests[0], {
    kind: 'http',
    host: '10.0.0.1',
    port: 31001,
    path: '/health',
    env: { PORT0: '31000' },
    cwd: '/tmp/cwd',
    timeoutMs: 1000,
  });
  assert.equal(h.monitor.isHealthy('t1'), true);
  assert.deepEqual(h.monitor.results('t1'), [{ alive: true, consecutiveFailures: 0, firstSuccess: 2000, lastSuccess: 2000 }]);
  assert.deepEqual(h.changes, ['t1']);
  await h.time.advance(4000);
  assert.equal(h.requests.length, 3);
  assert.deepEqual(h.changes, ['t1'], 'no change while it stays healthy');
});

test('failures in the grace period are ignored; after it, maxConsecutiveFailures in a row kill the task once', async () => {
  const h = setup(() => ({ healthy: false, cause: 'Got status code 500' }));
  h.monitor.watch('t1', [check()], target, 0);
  await h.time.advance(9999);
  assert.equal(h.requests.length, 4);
  assert.deepEqual(h.monitor.results('t1'), []);
  assert.equal(h.monitor.isUnhealthy('t1'), false);
  await h.time.advance(1);
  assert.equal(h.monitor.isUnhealthy('t1'), true);
  assert.deepEqual(h.monitor.results('t1'), [
    { alive: false, consecutiveFailures: 1, lastFailure: 10_000, lastFailureCause: 'Got status code 500' },
  ]);
  await h.time.advance(2000);
  assert.deepEqual(h.unhealthy, []);
  await h.time.advance(2000);
  assert.deepEqual(h.unhealthy, ['t1: Got status code 500']);
  await h.time.advance(10_000);
  assert.equal(h.unhealthy.length, 1, 'unwatched once handed over');
  assert.equal(h.requests.length, 7);
});

test('once a check has passed, failures count even inside the grace period; 0 failures allowed means never kill', async () => {
  let ok = true;
  const h = setup(() => (ok ? { healthy: true } : { healthy: false, cause: 'down' }));
  h.monitor.watch('t1', [check({ gracePeriodSeconds: 3600, maxConsecutiveFailures: 2 })], target, 0);
  h.monitor.watch('t2', [check({ gracePeriodSeconds: 0, maxConsecutiveFailures: 0 })], target, 0);
  await h.time.advance(2000);
  ok = false;
  await h.time.advance(4000);
  assert.deepEqual(h.unhealthy, ['t1: down']);
  await h.time.advance(20_000);
  // Failing from 4 s to 26 s: twelve probes, all counted, none fatal.
  assert.equal(h.monitor.results('t2')[0]!.consecutiveFailures, 12);
  assert.equal(h.unhealthy.length, 1);
});

test('a probe still running when the next is due is not started twice; unwatch stops probing', async () => {
  let release!: (r: ProbeResult) => void;
  const h = setup(() => new Promise<ProbeResult>((r) => (release = r)));
  h.monitor.watch('t1', [check({ protocol: 'COMMAND', command: { value: 'true' }, portIndex: undefined })], target, 0);
  await h.time.advance(6000);
  assert.equal(h.requests.length, 1);
  assert.equal(h.requests[0]!.kind, 'command');
  assert.equal(h.requests[0]!.command, 'true');
  release({ healthy: true });
  await new Promise((r) => setImmediate(r));
  await h.time.advance(2000);
  assert.equal(h.requests.length, 2);
  h.monitor.unwatch('t1');
  await h.time.advance(10_000);
  assert.equal(h.requests.length, 2);
  assert.deepEqual(h.monitor.results('t1'), []);
});

test('a check whose timeout exceeds its interval never overlaps itself: probes due meanwhile are skipped', async () => {
  const answers: ((r: ProbeResult) => void)[] = [];
  const h = setup(() => new Promise<ProbeResult>((resolve) => answers.push(resolve)));
  h.monitor.watch('t1', [check({ intervalSeconds: 10, timeoutSeconds: 20 })], target, 0);
  await h.time.advance(35_000);
  assert.equal(h.requests.length, 1);
  assert.equal(h.requests[0]?.timeoutMs, 20_000);
  answers[0]!({ healthy: true });
  await h.time.advance(0);
  assert.equal(h.monitor.isHealthy('t1'), true);
  await h.time.advance(5_000);
  assert.equal(h.requests.length, 2);
});
