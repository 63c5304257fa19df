import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarathonTask } from '../../../runtime/marathon/task-tracker.ts';
import type { UnreachableStrategy } from '../../../runtime/marathon/unreachable-strategy.ts';
import { UnreachableTimers } from '../../../runtime/marathon/unreachable-timers.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

function unreachableTask(since: number): MarathonTask {
  return {
    id: 't1',
    appId: '/a',
    agentId: 'a1',
    host: 'h',
    agentIp: '10.0.0.1',
    attributes: {},
    ports: [],
    servicePorts: [],
    version: 'v',
    configVersion: 'v',
    stagedAt: 0,
    state: 'TASK_UNREACHABLE',
    ipAddresses: [],
    killRequested: false,
    unreachableSince: since,
    inactive: false,
    everHealthy: false,
  };
}

function setup(strategy: UnreachableStrategy) {
  const time = new ManualClock(0, 0);
  const events: string[] = [];
  let expunged = false;
  const timers = new UnreachableTimers({
    timers: time,
    now: () => time.wallMs(),
    strategyOf: () => strategy,
    isPending: () => !expunged,
    inactive: (t) => {
      t.inactive = true;
      events.push(`inactive@${time.wallMs()}`);
    },
    expunge: () => {
      expunged = true;
      events.push(`expunge@${time.wallMs()}`);
    },
  });
  return { time, events, timers };
}

test('inactive after inactiveAfterSeconds, expunged after expungeAfterSeconds', async () => {
  const h = setup({ inactiveAfterSeconds: 60, expungeAfterSeconds: 600 });
  h.timers.arm(unreachableTask(0));
  await h.time.advance(59_999);
  assert.deepEqual(h.events, []);
  await h.time.advance(1);
  assert.deepEqual(h.events, ['inactive@60000']);
  await h.time.advance(600_000);
  assert.deepEqual(h.events, ['inactive@60000', 'expunge@600000']);
});

test('0/0 expunges at once; disabled never; a cancelled task is left alone; a past deadline applies on arm', async () => {
  const now = setup({ inactiveAfterSeconds: 0, expungeAfterSeconds: 0 });
  now.timers.arm(unreachableTask(0));
  assert.deepEqual(now.events, ['expunge@0']);

  const disabled = setup('disabled');
  disabled.timers.arm(unreachableTask(0));
  await disabled.time.advance(10_000_000);
  assert.deepEqual(disabled.events, []);

  const cancelled = setup({ inactiveAfterSeconds: 1, expungeAfterSeconds: 2 });
  cancelled.timers.arm(unreachableTask(0));
  cancelled.timers.cancel('t1');
  await cancelled.time.advance(10_000);
  assert.deepEqual(cancelled.events, []);

  const late = setup({ inactiveAfterSeconds: 1, expungeAfterSeconds: 5 });
  await late.time.advance(2000);
  late.timers.arm(unreachableTask(0));
  assert.deepEqual(late.events, ['inactive@2000']);
});
