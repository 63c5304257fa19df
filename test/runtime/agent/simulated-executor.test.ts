// SimulatedExecutor: the same status stream as ProcessExecutor without processes, on timers tests can drive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedExecutor } from '../../../runtime/agent/simulated-executor.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import type { TaskSpec } from '../../../runtime/agent/task-spec.ts';
import { settle, StatusRecorder } from './status-recorder.ts';

let seq = 0;
function task(overrides: Partial<TaskSpec> = {}): TaskSpec {
  const taskId = `sim-${++seq}`;
  return {
    taskId,
    frameworkId: 'framework-1',
    command: { value: 'sleep 1000' },
    env: {},
    sandboxDir: `/nonexistent/sandboxes/${taskId}`,
    ports: [31000],
    host: '10.0.0.7',
    ...overrides,
  };
}

function run(e: SimulatedExecutor, spec: TaskSpec): StatusRecorder {
  const r = new StatusRecorder();
  e.launch(spec, r.listener);
  return r;
}

test('tasks go STARTING → RUNNING at once, asynchronously, and run until killed', async () => {
  const e = new SimulatedExecutor();
  const spec = task();
  const r = run(e, spec);
  assert.deepEqual(r.states, []);
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING']);
  const running = r.statuses[1]!;
  assert.equal(running.source, 'SOURCE_EXECUTOR');
  assert.equal(running.containerStatus!.executor_pid, undefined, 'no process');
  assert.deepEqual(running.containerStatus!.network_infos, [{ ip_addresses: [{ protocol: 'IPv4', ip_address: '10.0.0.7' }] }]);
  assert.equal(e.size, 1);

  assert.equal(await e.kill(spec.taskId), true);
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  assert.equal(r.statuses.at(-1)!.message, 'Command terminated with signal Terminated');
  assert.equal(e.size, 0);
});

test('a start delay holds RUNNING back until the clock gets there', async () => {
  const clock = new ManualClock();
  const e = new SimulatedExecutor({ timers: clock, startDelayMs: 500 });
  const r = run(e, task());
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING']);
  await clock.advance(499);
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING']);
  await clock.advance(1);
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING']);
});

test('finishAfterMs with exit code 0 → FINISHED, non-zero → FAILED naming the status', async () => {
  const clock = new ManualClock();
  const e = new SimulatedExecutor({
    timers: clock,
    finishAfterMs: 1000,
    planFor: (t) => (t.env.EXIT ? { exitCode: Number(t.env.EXIT) } : {}),
  });
  const ok = run(e, task());
  const bad = run(e, task({ env: { EXIT: '2' } }));
  await clock.advance(1000);
  await settle();
  assert.deepEqual(ok.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  assert.equal(ok.statuses.at(-1)!.message, 'Command exited with status 0');
  assert.deepEqual(bad.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
  assert.equal(bad.statuses.at(-1)!.message, 'Command exited with status 2');
  assert.equal(bad.statuses.at(-1)!.reason, 'REASON_COMMAND_EXECUTOR_FAILED');
  assert.equal(clock.pendingTimers, 0);
});

test('terminal states are final: kill after FINISHED is refused and reports nothing', async () => {
  const clock = new ManualClock();
  const e = new SimulatedExecutor({ timers: clock, finishAfterMs: 10 });
  const spec = task();
  const r = run(e, spec);
  await clock.advance(10);
  await r.waitFor('TASK_FINISHED');
  assert.equal(await e.kill(spec.taskId), false);
  await clock.advance(1000);
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
});

test('a kill during the start delay cancels the launch', async () => {
  const clock = new ManualClock();
  const e = new SimulatedExecutor({ timers: clock, startDelayMs: 100 });
  const spec = task();
  const r = run(e, spec);
  await e.kill(spec.taskId);
  await clock.advance(1000);
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_KILLING', 'TASK_KILLED']);
  assert.equal(r.statuses.at(-1)!.reason, 'REASON_TASK_KILLED_DURING_LAUNCH');
  assert.equal(clock.pendingTimers, 0);
});

test('invalid and duplicate tasks → TASK_ERROR; unknown kills → false', async () => {
  const e = new SimulatedExecutor();
  const invalid = run(e, task({ ports: [0] }));
  const spec = task();
  const first = run(e, spec);
  const duplicate = run(e, spec);
  assert.equal((await invalid.waitForTerminal()).state, 'TASK_ERROR');
  assert.equal((await duplicate.waitForTerminal()).state, 'TASK_ERROR');
  await first.waitFor('TASK_RUNNING');
  assert.equal(await e.kill('no-such-task'), false);
});

test('shutdown kills every task and then drops new ones', async () => {
  const e = new SimulatedExecutor();
  const recorders = Array.from({ length: 1000 }, () => run(e, task()));
  await settle();
  await e.shutdown();
  for (const r of recorders) assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  assert.equal((await run(e, task()).waitForTerminal()).state, 'TASK_DROPPED');
});
