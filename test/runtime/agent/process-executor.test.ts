// ProcessExecutor against real processes in temp sandboxes. Waits are on statuses and files, never on durations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessExecutor, type ProcessExecutorOptions } from '../../../runtime/agent/process-executor.ts';
import type { TaskSpec } from '../../../runtime/agent/task-spec.ts';
import { eventually, isAlive, settle, StatusRecorder } from './status-recorder.ts';

let root = '';
let seq = 0;
const executors: ProcessExecutor[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-executor-'));
  // Traversable, so a task switched to another user can reach its sandbox.
  await chmod(root, 0o755);
});

after(async () => {
  await Promise.all(executors.map((e) => e.shutdown()));
  await rm(root, { recursive: true, force: true });
});

function executor(options: ProcessExecutorOptions = {}): ProcessExecutor {
  const e = new ProcessExecutor({ defaultKillGracePeriodMs: 5000, ...options });
  executors.push(e);
  return e;
}

function task(command: string, overrides: Partial<TaskSpec> = {}): TaskSpec {
  const taskId = `task-${++seq}`;
  return {
    taskId,
    frameworkId: 'framework-1',
    command: { value: command },
    env: {},
    sandboxDir: join(root, taskId),
    ports: [],
    host: '127.0.0.1',
    ...overrides,
  };
}

function run(e: ProcessExecutor, spec: TaskSpec): StatusRecorder {
  const r = new StatusRecorder();
  e.launch(spec, r.listener);
  return r;
}

const readText = (path: string) => readFile(path, 'utf8');

function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env.set(line.slice(0, i), line.slice(i + 1));
  }
  return env;
}

test('the task sees its environment: task env, ports, host and MESOS_* identity', async () => {
  const e = executor({ inheritedEnv: { PATH: process.env.PATH, HOME: '/home/agent' } });
  const spec = task('env > env.txt', {
    env: { GREETING: 'hello world', PORT1: 'overridden-by-task-env' },
    ports: [31000, 31001, 31002],
    host: '127.0.0.2',
  });
  const r = run(e, spec);
  await r.waitFor('TASK_FINISHED');
  const env = parseEnv(await readText(join(spec.sandboxDir, 'env.txt')));
  assert.equal(env.get('GREETING'), 'hello world');
  assert.equal(env.get('PORT0'), '31000');
  assert.equal(env.get('PORT1'), 'overridden-by-task-env', 'the framework-supplied env wins over derived ports');
  assert.equal(env.get('PORT2'), '31002');
  assert.equal(env.get('PORT'), '31000');
  assert.equal(env.get('PORTS'), '31000,31001,31002');
  assert.equal(env.get('HOST'), '127.0.0.2');
  assert.equal(env.get('MESOS_TASK_ID'), spec.taskId);
  assert.equal(env.get('MESOS_SANDBOX'), spec.sandboxDir);
  assert.equal(env.get('MESOS_FRAMEWORK_ID'), 'framework-1');
  assert.equal(env.get('MESOS_EXECUTOR_ID'), spec.taskId, 'command tasks are their own executor');
  assert.equal(env.get('PATH'), process.env.PATH);
  assert.equal(env.get('HOME'), '/home/agent');
  assert.equal(env.has('npm_lifecycle_event'), false, 'nothing else leaks from the agent');
});

test('an explicit executor id is exported; no ports means no PORT variables', async () => {
  const e = executor();
  const spec = task('env > env.txt', { executorId: 'exec-7' });
  await run(e, spec).waitFor('TASK_FINISHED');
  const env = parseEnv(await readText(join(spec.sandboxDir, 'env.txt')));
  assert.equal(env.get('MESOS_EXECUTOR_ID'), 'exec-7');
  assert.equal(env.has('PORT'), false);
  assert.equal(env.has('PORTS'), false);
  assert.equal(env.has('PORT0'), false);
});

test('stdout and stderr go to files in the sandbox, appended to', async () => {
  const e = executor();
  const spec = task('echo to-out; echo to-err >&2; pwd > cwd.txt');
  await mkdir(spec.sandboxDir, { recursive: true });
  await writeFile(join(spec.sandboxDir, 'stdout'), 'earlier\n');
  await run(e, spec).waitFor('TASK_FINISHED');
  assert.equal(await readText(join(spec.sandboxDir, 'stdout')), 'earlier\nto-out\n');
  assert.equal(await readText(join(spec.sandboxDir, 'stderr')), 'to-err\n');
  assert.equal((await readText(join(spec.sandboxDir, 'cwd.txt'))).trim(), spec.sandboxDir, 'cwd is the sandbox');
});

test('exit 0 → STARTING, RUNNING, FINISHED, with Mesos status fields', async () => {
  const e = executor();
  const spec = task('exit 0', { host: '127.0.0.3' });
  const before = Date.now() / 1000;
  const r = run(e, spec);
  const finished = await r.waitFor('TASK_FINISHED');
  const afterwards = Date.now() / 1000;
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  assert.equal(finished.message, 'Command exited with status 0');
  assert.equal(finished.source, 'SOURCE_EXECUTOR');
  assert.equal(finished.reason, undefined);

  const [starting, running] = r.statuses;
  assert.equal(starting!.containerStatus!.executor_pid, undefined, 'no process yet when STARTING');
  assert.ok(Number.isInteger(running!.containerStatus!.executor_pid));
  assert.equal(finished.containerStatus!.executor_pid, running!.containerStatus!.executor_pid);
  for (const s of r.statuses) {
    assert.ok(s.timestamp >= before && s.timestamp <= afterwards, 'timestamps are epoch seconds');
    assert.deepEqual(s.containerStatus!.network_infos, [
      { ip_addresses: [{ protocol: 'IPv4', ip_address: '127.0.0.3' }] },
    ]);
    assert.equal(s.containerStatus!.container_id.value, starting!.containerStatus!.container_id.value);
  }
  assert.ok(starting!.containerStatus!.container_id.value.length > 0);
  assert.equal(e.pid(spec.taskId), undefined, 'finished tasks are forgotten');
});

test('exit 3 → TASK_FAILED naming the exit status', async () => {
  const e = executor();
  const r = run(e, task('echo failing >&2; exit 3'));
  const failed = await r.waitFor('TASK_FAILED');
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
  assert.equal(failed.message, 'Command exited with status 3');
  assert.equal(failed.reason, 'REASON_COMMAND_EXECUTOR_FAILED');
  assert.equal(failed.source, 'SOURCE_EXECUTOR');
});

test('a task killed by a signal it did not get from us fails naming the signal', async () => {
  const e = executor();
  const r = run(e, task('kill -USR1 $$; sleep 5'));
  const failed = await r.waitFor('TASK_FAILED');
  assert.equal(failed.message, 'Command terminated with signal User defined signal 1');
});

test('shell: false runs the executable with the given argv, no shell interpretation', async () => {
  const e = executor();
  const spec = task('/bin/sh', {
    command: {
      value: '/bin/sh',
      shell: false,
      arguments: ['my-sh', '-c', 'printf "%s|%s" "$0" "$1" > argv.txt', 'zero', '$HOME; not expanded'],
    },
  });
  await run(e, spec).waitFor('TASK_FINISHED');
  assert.equal(await readText(join(spec.sandboxDir, 'argv.txt')), 'zero|$HOME; not expanded');
});

test('kill: a task that traps SIGTERM and exits → KILLING then KILLED', async () => {
  const e = executor();
  const spec = task(`trap 'echo got-term > term.txt; exit 0' TERM; echo ready > ready.txt; while :; do sleep 1; done`);
  const r = run(e, spec);
  await r.waitFor('TASK_RUNNING');
  await eventually(() => existsSync(join(spec.sandboxDir, 'ready.txt')), 'the trap to be installed');
  // A long grace period: the task can only end by handling SIGTERM.
  const killed = await e.kill(spec.taskId, 600_000);
  assert.equal(killed, true);
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  assert.equal((await readText(join(spec.sandboxDir, 'term.txt'))).trim(), 'got-term');
  const last = r.statuses.at(-1)!;
  assert.equal(last.message, 'Command exited with status 0');
  assert.equal(last.source, 'SOURCE_EXECUTOR');
  assert.equal(r.statuses[2]!.source, 'SOURCE_EXECUTOR');
});

test('kill: a task ignoring SIGTERM is SIGKILLed after the grace period, with its whole process group', async () => {
  const e = executor();
  const spec = task(`trap '' TERM; sleep 1000 & echo $! > child.pid; while :; do sleep 1; done`);
  const r = run(e, spec);
  const running = await r.waitFor('TASK_RUNNING');
  const leader = running.containerStatus!.executor_pid!;
  const childPidFile = join(spec.sandboxDir, 'child.pid');
  await eventually(() => existsSync(childPidFile) && readFileSync(childPidFile, 'utf8').endsWith('\n'), 'child pid');
  const child = Number((await readText(childPidFile)).trim());
  assert.ok(isAlive(child), 'the background child runs before the kill');

  await e.kill(spec.taskId, 200);
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  assert.equal(r.statuses.at(-1)!.message, 'Command terminated with signal Killed');
  assert.equal(isAlive(leader), false);
  await eventually(() => !isAlive(child), 'the child in the group to die');
});

test('a second kill with a shorter grace period brings SIGKILL forward', async () => {
  const e = executor();
  const spec = task(`trap '' TERM; echo ready > ready.txt; while :; do sleep 1; done`);
  const r = run(e, spec);
  await r.waitFor('TASK_RUNNING');
  await eventually(() => existsSync(join(spec.sandboxDir, 'ready.txt')), 'the trap to be installed');
  const first = e.kill(spec.taskId, 600_000);
  await r.waitFor('TASK_KILLING');
  assert.equal(await e.kill(spec.taskId, 50), true);
  assert.equal(await first, true);
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
  assert.equal(r.statuses.at(-1)!.message, 'Command terminated with signal Killed');
});

test('processes a finished task left behind in its group are killed with it', async () => {
  const e = executor();
  const spec = task('sleep 1000 & echo $! > child.pid; exit 0');
  await run(e, spec).waitFor('TASK_FINISHED');
  const child = Number((await readText(join(spec.sandboxDir, 'child.pid'))).trim());
  await eventually(() => !isAlive(child), 'the leftover child to die');
});

test('terminal states are final: no updates after FINISHED, kill reports the task unknown', async () => {
  const e = executor();
  const spec = task('exit 0');
  const r = run(e, spec);
  await r.waitFor('TASK_FINISHED');
  assert.equal(await e.kill(spec.taskId, 0), false);
  await settle();
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
});

test('a task killed before it was spawned is KILLED without running', async () => {
  const e = executor();
  const spec = task('echo ran > ran.txt');
  const r = run(e, spec);
  const killed = e.kill(spec.taskId, 1000);
  assert.deepEqual(r.states, [], 'statuses are delivered asynchronously, never from launch() or kill()');
  assert.equal(await killed, true);
  assert.deepEqual(r.states, ['TASK_KILLING', 'TASK_KILLED']);
  assert.equal(r.statuses[1]!.reason, 'REASON_TASK_KILLED_DURING_LAUNCH');
  assert.equal(existsSync(join(spec.sandboxDir, 'ran.txt')), false);
});

test('a missing executable → TASK_FAILED from the agent, no exception', async () => {
  const e = executor();
  const spec = task('x', { command: { value: join(root, 'no-such-binary'), shell: false } });
  const r = run(e, spec);
  const failed = await r.waitForTerminal();
  assert.deepEqual(r.states, ['TASK_STARTING', 'TASK_FAILED']);
  assert.equal(failed.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  assert.equal(failed.source, 'SOURCE_SLAVE');
  assert.match(failed.message!, /ENOENT/);
});

test('a command the shell cannot find fails with status 127', async () => {
  const e = executor();
  const failed = await run(e, task('no-such-command-minidc')).waitFor('TASK_FAILED');
  assert.equal(failed.message, 'Command exited with status 127');
});

test('a sandbox that cannot be created → TASK_FAILED', async () => {
  const e = executor();
  const file = join(root, 'a-file');
  await writeFile(file, '');
  const r = run(e, task('exit 0', { sandboxDir: join(file, 'sandbox') }));
  const failed = await r.waitForTerminal();
  assert.deepEqual(r.states, ['TASK_FAILED']);
  assert.equal(failed.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
  assert.match(failed.message!, /ENOTDIR/);
});

test('invalid specs → TASK_ERROR with the reason, never an exception', async () => {
  const e = executor();
  const cases: [unknown, RegExp][] = [
    [task('exit 0', { ports: [70000] }), /ports\[0\]/],
    [task('exit 0', { sandboxDir: 'relative/dir' }), /sandboxDir/],
    [task('exit 0', { taskId: '' }), /taskId/],
    [task('exit 0', { taskId: '../escape' }), /taskId/],
    [task('exit 0', { host: 'not-an-ip' }), /host/],
    [task('', {}), /command.value/],
    [{ ...task('exit 0'), env: { BAD: 3 } }, /env.BAD/],
    [null, /object/],
  ];
  for (const [spec, why] of cases) {
    const r = new StatusRecorder();
    e.launch(spec as TaskSpec, r.listener);
    const error = await r.waitForTerminal();
    assert.deepEqual(r.states, ['TASK_ERROR']);
    assert.equal(error.reason, 'REASON_TASK_INVALID');
    assert.match(error.message!, why);
  }
});

test('a duplicate task id is refused while the first runs; the first is unaffected', async () => {
  const e = executor();
  const spec = task('while :; do sleep 1; done');
  const first = run(e, spec);
  await first.waitFor('TASK_RUNNING');
  const second = run(e, { ...spec, command: { value: 'exit 0' } });
  assert.match((await second.waitFor('TASK_ERROR')).message!, /already running/);
  await e.kill(spec.taskId, 1000);
  assert.deepEqual(first.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
});

test('a throwing listener is reported and the task still runs to its end', async () => {
  const errors: string[] = [];
  const e = executor({ onError: (err, taskId) => errors.push(`${taskId}: ${(err as Error).message}`) });
  const spec = task('exit 0');
  const r = new StatusRecorder();
  e.launch(spec, (s) => {
    r.listener(s);
    if (s.state === 'TASK_STARTING') throw new Error('listener broke');
  });
  await r.waitFor('TASK_FINISHED');
  assert.deepEqual(errors, [`${spec.taskId}: listener broke`]);
});

test('shutdown kills every task with its own grace period, then refuses new ones', async () => {
  const e = executor();
  const polite = task('while :; do sleep 1; done');
  const stubborn = task(`trap '' TERM; echo ready > ready.txt; while :; do sleep 1; done`, { killGracePeriodMs: 100 });
  const a = run(e, polite);
  const b = run(e, stubborn);
  await a.waitFor('TASK_RUNNING');
  await b.waitFor('TASK_RUNNING');
  await eventually(() => existsSync(join(stubborn.sandboxDir, 'ready.txt')), 'the trap to be installed');
  await e.shutdown();
  assert.equal(a.statuses.at(-1)!.state, 'TASK_KILLED');
  assert.equal(b.statuses.at(-1)!.state, 'TASK_KILLED');
  assert.equal(b.statuses.at(-1)!.message, 'Command terminated with signal Killed');

  const late = run(e, task('exit 0'));
  assert.equal((await late.waitForTerminal()).state, 'TASK_DROPPED');
});

test('user: runs as the named user when the agent is root, fails the launch otherwise', async () => {
  const e = executor();
  const spec = task('id -u > uid.txt', { user: 'nobody' });
  const r = run(e, spec);
  const end = await r.waitForTerminal();
  if (process.getuid?.() === 0) {
    assert.equal(end.state, 'TASK_FINISHED', end.message);
    const uid = Number((await readText(join(spec.sandboxDir, 'uid.txt'))).trim());
    assert.equal(uid, (await stat(join(spec.sandboxDir, 'stdout'))).uid, 'the sandbox belongs to the task user');
    assert.notEqual(uid, 0);
  } else {
    assert.equal(end.state, 'TASK_FAILED');
    assert.match(end.message!, /not running as root/);
  }
  const unknown = await run(e, task('exit 0', { user: 'no-such-user-minidc' })).waitForTerminal();
  assert.equal(unknown.state, 'TASK_FAILED');
  assert.match(unknown.message!, /no-such-user-minidc/);
});

test('switchUser: false runs tasks as the agent user', async () => {
  const e = executor({ switchUser: false });
  const spec = task('id -u > uid.txt', { user: 'nobody' });
  await run(e, spec).waitFor('TASK_FINISHED');
  assert.equal(Number((await readText(join(spec.sandboxDir, 'uid.txt'))).trim()), process.getuid?.());
});
