// The task state machine and the status fields shared by every executor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertTransition,
  canTransition,
  isTaskState,
  isTerminal,
  TASK_STATES,
  TaskStateError,
  type TaskState,
} from '../../../runtime/mesos/task-state.ts';
import { describeExit } from '../../../runtime/agent/exit-description.ts';
import { TaskStatusReporter } from '../../../runtime/agent/task-status-reporter.ts';
import type { TaskStatus } from '../../../runtime/mesos/task-status.ts';
import { settle } from './status-recorder.ts';

const TERMINAL: TaskState[] = [
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
];

test('the fourteen Mesos task states, terminal exactly as in Mesos', () => {
  assert.equal(TASK_STATES.length, 14);
  for (const s of TASK_STATES) assert.equal(isTerminal(s), TERMINAL.includes(s), s);
  assert.equal(isTaskState('TASK_RUNNING'), true);
  assert.equal(isTaskState('RUNNING'), false);
});

test('terminal states are final', () => {
  for (const from of TERMINAL) {
    for (const to of TASK_STATES) {
      assert.equal(canTransition(from, to), false, `${from} → ${to}`);
      assert.throws(() => assertTransition(from, to), TaskStateError);
    }
  }
});

test('a task moves forward through the launch sequence, or to any terminal state', () => {
  const allowed: [TaskState, TaskState][] = [
    ['TASK_STAGING', 'TASK_STARTING'],
    ['TASK_STAGING', 'TASK_RUNNING'],
    ['TASK_STAGING', 'TASK_KILLING'],
    ['TASK_STARTING', 'TASK_RUNNING'],
    ['TASK_RUNNING', 'TASK_RUNNING'], // health updates
    ['TASK_RUNNING', 'TASK_KILLING'],
    ['TASK_KILLING', 'TASK_KILLED'],
    ['TASK_KILLING', 'TASK_FINISHED'],
    ['TASK_RUNNING', 'TASK_UNREACHABLE'],
    ['TASK_UNREACHABLE', 'TASK_RUNNING'], // the agent came back
    ['TASK_UNREACHABLE', 'TASK_GONE'],
    ['TASK_UNKNOWN', 'TASK_RUNNING'],
  ];
  for (const [from, to] of allowed) assert.equal(canTransition(from, to), true, `${from} → ${to}`);
  for (const s of TASK_STATES) {
    if (!isTerminal(s)) for (const t of TERMINAL) assert.equal(canTransition(s, t), true, `${s} → ${t}`);
  }
  const refused: [TaskState, TaskState][] = [
    ['TASK_RUNNING', 'TASK_STARTING'],
    ['TASK_RUNNING', 'TASK_STAGING'],
    ['TASK_KILLING', 'TASK_RUNNING'],
    ['TASK_STARTING', 'TASK_STAGING'],
  ];
  for (const [from, to] of refused) {
    assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    assert.throws(() => assertTransition(from, to), /cannot go from/);
  }
});

test('exit descriptions match Mesos messages', () => {
  assert.equal(describeExit(0, null), 'exited with status 0');
  assert.equal(describeExit(3, null), 'exited with status 3');
  assert.equal(describeExit(null, 'SIGKILL'), 'terminated with signal Killed');
  assert.equal(describeExit(null, 'SIGTERM'), 'terminated with signal Terminated');
});

test('the reporter refuses a transition out of a terminal state and reports it', async () => {
  const seen: TaskStatus[] = [];
  const errors: unknown[] = [];
  const r = new TaskStatusReporter('t1', (s) => seen.push(s), '::1', { now: () => 1_500_000_000_250, onError: (e) => errors.push(e) });
  assert.equal(r.report('TASK_RUNNING', { healthy: true }), true);
  assert.equal(r.report('TASK_FINISHED'), true);
  assert.equal(r.report('TASK_RUNNING'), false);
  assert.equal(seen.length, 0, 'delivery is asynchronous');
  await r.done;
  await settle();
  assert.deepEqual(
    seen.map((s) => s.state),
    ['TASK_RUNNING', 'TASK_FINISHED'],
  );
  assert.equal(seen[0]!.timestamp, 1_500_000_000.25);
  assert.equal(seen[0]!.healthy, true);
  assert.deepEqual(seen[0]!.containerStatus!.network_infos, [{ ip_addresses: [{ protocol: 'IPv6', ip_address: '::1' }] }]);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof TaskStateError);
  assert.deepEqual(Object.keys(seen[1]!), ['taskId', 'state', 'timestamp', 'containerStatus'], 'absent fields are left out');
});
