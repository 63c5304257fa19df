/**
 * A task re-attached after its agent's process was killed -9: the agent started again on the same work dir
 * reports it RUNNING to the master, and a kill through the master then ends the task's whole process group
 * (the task is not the new agent's child: no exit event, only its pid and start time). The first life runs in
 * its own process (fixtures/agent-first-life.ts), so nothing of it survives in the test process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from '../../../runtime/agent/agent.ts';
import { ProcessExecutor } from '../../../runtime/agent/process-executor.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { Master } from '../../../runtime/master/master.ts';
import { Registrar } from '../../../runtime/master/registrar.ts';
import type { SchedulerConnection } from '../../../runtime/mesos/scheduler-api.ts';
import type { TaskStatus } from '../../../runtime/mesos/task-status.ts';
import { AGENT_ID, AGENT_RESOURCES, FRAMEWORK } from './fixtures/agent-first-life.ts';
import { eventually, isAlive, WAIT_MS } from './status-recorder.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/agent-first-life.ts', import.meta.url));
const TASK = 'reattached-1';
// The task forks a child that ignores SIGTERM: only a SIGKILL to the group ends it.
const COMMAND = `(trap '' TERM; exec sleep 1000) & echo $! > child.pid; while :; do sleep 1; done`;

let dir = '';
let master: Master | undefined;
let agent: Agent | undefined;
const pids: number[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-reattach-'));
});

after(async () => {
  await agent?.shutdownTasks();
  await master?.stop();
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  await rm(dir, { recursive: true, force: true });
});

/** Runs the agent's first life until its task is RUNNING and checkpointed, then kills it -9; returns the task pid. */
async function firstLifeKilled(workDir: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, workDir, TASK, COMMAND], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let out = '';
  const running = new Promise<{ agentId: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the first life did not run its task: ${out}`)), WAIT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as { agentId: string; pid: number });
    });
    child.on('exit', (code) => reject(new Error(`the first life exited ${code}: ${out}`)));
  });
  try {
    const { agentId, pid } = await running;
    assert.equal(agentId, AGENT_ID);
    pids.push(pid);
    return pid;
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

test('a task re-attached after kill -9 of its agent is reported RUNNING, and killing it ends its process group', async () => {
  const workDir = join(dir, 'agent');
  const leader = await firstLifeKilled(workDir);
  assert.ok(isAlive(leader), 'the task outlived its agent process');
  const sandboxes = join(workDir, 'slaves', AGENT_ID, 'frameworks', FRAMEWORK.id, 'executors', TASK, 'runs');
  const childPidFile = () => join(sandboxes, readdirSync(sandboxes)[0]!, 'child.pid');
  await eventually(() => existsSync(childPidFile()) && readFileSync(childPidFile(), 'utf8').endsWith('\n'), 'the child pid');
  const childPid = Number(readFileSync(childPidFile(), 'utf8').trim());
  pids.push(childPid);
  assert.ok(isAlive(childPid));

  master = new Master({
    hostname: 'm1',
    ip: '127.0.1.1',
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    allocationIntervalMs: 50,
    log: () => {},
  });
  await master.start();
  const updates: TaskStatus[] = [];
  const conn: SchedulerConnection = await master.subscribe(FRAMEWORK, {
    subscribed: () => {},
    offers: (offers) => conn.decline(offers.map((o) => o.id), { refuseSeconds: 60 }),
    rescind: () => {},
    update: (u) => updates.push(u),
    error: () => {},
  });

  // The agent again, a new process's worth of it: same work dir, a fresh executor.
  agent = new Agent({
    hostname: '127.0.2.1',
    ip: '127.0.2.1',
    port: 5051,
    resources: Resources.parse(AGENT_RESOURCES),
    attributes: {},
    workDir,
    executor: new ProcessExecutor({ reattachedPollMs: 20 }),
    master,
    version: '1.11.0',
  });
  await agent.start();
  assert.equal(agent.id, AGENT_ID, 'the agent recovered its id from the work dir');
  assert.deepEqual(agent.tasks().map((t) => [t.launch.taskId, t.state]), [[TASK, 'TASK_RUNNING']]);
  const task = master.frameworks.get(FRAMEWORK.id)?.tasks.get(TASK);
  assert.equal(task?.state, 'TASK_RUNNING', 'the master has the task RUNNING on the re-registered agent');
  assert.equal(task.agentId, AGENT_ID);
  assert.ok(isAlive(leader) && isAlive(childPid), 'recovery left the task running');

  conn.kill(TASK);
  await eventually(() => updates.some((u) => u.taskId === TASK && u.state === 'TASK_KILLED'), 'TASK_KILLED');
  assert.deepEqual(
    updates.filter((u) => u.taskId === TASK).map((u) => u.state),
    ['TASK_KILLING', 'TASK_KILLED'],
  );
  assert.equal(isAlive(leader), false, 'the task process is gone');
  await eventually(() => !isAlive(childPid), 'the SIGTERM-proof child in its group to die');
  assert.equal(master.frameworks.get(FRAMEWORK.id)?.tasks.has(TASK), false);
  assert.deepEqual(agent.tasks(), []);
  await eventually(
    () => !existsSync(join(workDir, 'meta', 'slaves', AGENT_ID, 'frameworks', FRAMEWORK.id, 'executors', TASK)),
    'the checkpoint to be removed: nothing left to recover',
  );
});
