import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planInstances, type PlanInput, type PlanTask } from '../../../runtime/marathon/instance-plan.ts';

let seq = 0;
function task(over: Partial<PlanTask> = {}): PlanTask {
  seq++;
  return { id: `t${seq}`, current: true, phase: 'running', ready: true, stagedAt: seq, ...over };
}

function plan(instances: number, tasks: PlanTask[], over: Partial<PlanInput> = {}) {
  return planInstances({
    instances,
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    killSelection: 'YOUNGEST_FIRST',
    tasks,
    ...over,
  });
}

test('scaling: launches what is missing, kills the surplus youngest first (or oldest first)', () => {
  assert.deepEqual(plan(3, [task()]), { launch: 2, kill: [], complete: false });
  const [a, b, c] = [task(), task(), task()];
  assert.deepEqual(plan(1, [a, b, c]).kill, [c.id, b.id]);
  assert.deepEqual(plan(1, [a, b, c], { killSelection: 'OLDEST_FIRST' }).kill, [a.id, b.id]);
  assert.deepEqual(plan(3, [a, b, c]), { launch: 0, kill: [], complete: true });
});

test('tasks that do not serve are killed first: unreachable, then staging, then unhealthy', () => {
  const healthy = task();
  const unhealthy = task({ ready: false });
  const staging = task({ phase: 'staging', ready: false });
  const unreachable = task({ phase: 'unreachable', ready: false, stagedAt: 0 });
  assert.deepEqual(plan(1, [healthy, unhealthy, staging, unreachable]).kill, [unreachable.id, staging.id, unhealthy.id]);
});

test('killing and inactive tasks do not count; the plan completes only once killed tasks are gone', () => {
  const running = task();
  const killing = task({ phase: 'killing' });
  const inactive = task({ phase: 'inactive', ready: false });
  assert.deepEqual(plan(2, [running, killing, inactive]), { launch: 1, kill: [], complete: false });
  assert.deepEqual(plan(1, [running, killing]), { launch: 0, kill: [], complete: false });
  assert.deepEqual(plan(1, [running, inactive]), { launch: 0, kill: [], complete: true });
});

test('rolling replacement with the default strategy starts all new tasks, then stops old ones as new ones are ready', () => {
  const old = [task({ current: false }), task({ current: false })];
  assert.deepEqual(plan(2, old), { launch: 2, kill: [], complete: false });
  const fresh = [task({ phase: 'staging', ready: false }), task()];
  const step = plan(2, [...old, ...fresh]);
  assert.equal(step.launch, 0);
  assert.deepEqual(step.kill, [old[1]!.id], 'one new task is ready: one old may go (youngest first)');
  assert.deepEqual(plan(2, [...old, task(), task()]).kill.length, 2);
});

test('minimumHealthCapacity 0.5 and maximumOverCapacity 0 replace half at a time', () => {
  const strategy = { upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 } };
  const old = [task({ current: false }), task({ current: false }), task({ current: false }), task({ current: false })];
  const first = plan(4, old, strategy);
  assert.equal(first.kill.length, 2);
  // The killed ones no longer count: two may start.
  const killed = old.map((t) => (first.kill.includes(t.id) ? { ...t, phase: 'killing' as const } : t));
  assert.equal(plan(4, killed, strategy).launch, 2);
});

test('minimumHealthCapacity 1 with maximumOverCapacity 0 stops one old task to make room', () => {
  const strategy = { upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } };
  const old = [task({ current: false }), task({ current: false })];
  const first = plan(2, old, strategy);
  assert.equal(first.kill.length, 1);
  assert.equal(first.launch, 1);
  // While the new task is not ready nothing more happens.
  const waiting = plan(2, [{ ...old[0]!, phase: 'killing' }, old[1]!, task({ phase: 'staging', ready: false })], strategy);
  assert.deepEqual(waiting, { launch: 0, kill: [], complete: false });
});

test('capacities are exact decimals: 10 × 0.3 is 3, not 4', () => {
  const old = Array.from({ length: 10 }, () => task({ current: false }));
  const p = plan(10, old, { upgradeStrategy: { minimumHealthCapacity: 0.3, maximumOverCapacity: 0 } });
  assert.equal(p.kill.length, 7);
});

test('scaling to zero during a config change kills everything', () => {
  const p = plan(0, [task({ current: false }), task()]);
  assert.equal(p.kill.length, 2);
  assert.equal(p.launch, 0);
});
