/**
 * Agent recovery as a user meets it: `minidc start`, deploy an app, `kill -9` minidc, start it again on the same
 * data dir. Tasks are found through the processes themselves (/proc: cwd in a sandbox of this data dir), so an
 * orphan cannot hide from the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, startMinidc, type RunningMinidc } from '../support/minidc-cli.ts';

const APP = '/sleepers';
const INSTANCES = 4;

interface MarathonTask {
  id: string;
  state: string;
}
interface MesosTask {
  id: string;
  state: string;
}
interface MesosState {
  frameworks: { name: string; active: boolean; tasks: MesosTask[]; completed_tasks: MesosTask[] }[];
}

let dir: string;
let run: RunningMinidc | undefined;
let mesos = '';
let marathon = '';

/** Live processes (zombies excluded: nothing reaps orphans here) running in a sandbox of this data dir → task id. */
function taskProcesses(): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readlinkSync(`/proc/${name}/cwd`).startsWith(join(dir, 'nodes'))) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const id = env.find((e) => e.startsWith('MESOS_TASK_ID='))?.slice('MESOS_TASK_ID='.length) ?? '?';
      out.set(Number(name), id);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function start(extra: string[] = []): Promise<void> {
  await rm(join(dir, 'endpoints.json'), { force: true });
  run = startMinidc(['--ports', 'ephemeral', '--data-dir', dir, '--no-sample', '--agents', '2', '--public-agents', '0', ...extra]);
  const endpoints = await endpointsOf(run, dir);
  mesos = endpoints.nodes[0]!.endpoints.mesos!;
  marathon = endpoints.nodes[0]!.endpoints.marathon!;
}

async function kill9(): Promise<void> {
  run!.child.kill('SIGKILL');
  await run!.exited;
  run = undefined;
}

async function masterTasks(): Promise<{ active: MesosTask[]; completed: MesosTask[]; subscribed: boolean }> {
  const fw = (await json<MesosState>(`${mesos}/master/state`)).frameworks.find((f) => f.name === 'marathon');
  return { active: fw?.tasks ?? [], completed: fw?.completed_tasks ?? [], subscribed: fw?.active ?? false };
}

/**
 * Waits until Marathon is subscribed again and the master and Marathon agree on exactly `INSTANCES` running tasks
 * that `accept` approves of; returns their ids.
 */
async function settled(what: string, accept: (ids: string[]) => boolean): Promise<string[]> {
  return eventually(
    what,
    async () => {
      const m = await masterTasks();
      const running = m.active.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
      if (!m.subscribed || running.length !== INSTANCES || m.active.length !== INSTANCES || !accept(running)) return undefined;
      const { tasks } = await json<{ tasks: MarathonTask[] }>(`${marathon}/v2/apps${APP}/tasks`);
      const inMarathon = tasks.filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
      return JSON.stringify(inMarathon) === JSON.stringify(running) ? running : undefined;
    },
    90_000,
  );
}

/** Every live task process belongs to one of `ids`, and each of `ids` has its process. */
function assertProcessesAre(ids: string[]): void {
  const owners = [...new Set(taskProcesses().values())].sort();
  assert.deepEqual(owners, [...ids].sort(), 'live task processes are exactly those of the tasks the master reports');
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-recovery-'));
  await start();
  const res = await fetch(`${marathon}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: APP, cmd: 'sleep 100000', instances: INSTANCES, cpus: 0.1, mem: 16 }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(res.status, 201);
});

after(async () => {
  if (run) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  for (const pid of taskProcesses().keys()) killQuietly(pid);
  await rm(dir, { recursive: true, force: true });
});

let before9: string[] = [];

test('after kill -9 and a restart, the same tasks run: re-attached, not duplicated, none orphaned', async () => {
  before9 = await settled('the app running', () => true);
  assertProcessesAre(before9);
  await kill9();
  assertProcessesAre(before9); // the tasks outlived minidc, as they do a Mesos agent
  await start();
  const after9 = await settled('the same tasks running again', (ids) => JSON.stringify(ids) === JSON.stringify(before9));
  assert.deepEqual(after9, before9);
  const { app } = await json<{ app: { instances: number; tasksRunning: number; lastTaskFailure?: unknown } }>(
    `${marathon}/v2/apps${APP}`,
  );
  assert.equal(app.instances, INSTANCES);
  assert.equal(app.tasksRunning, INSTANCES);
  assert.equal(app.lastTaskFailure, undefined, 'no task was lost or replaced');
  assertProcessesAre(before9);
});

test('a task that died while minidc was down is reported failed and replaced', async () => {
  const procs = taskProcesses();
  await kill9();
  const victim = before9[0]!;
  for (const [pid, id] of procs) if (id === victim) killQuietly(pid);
  await eventually('the victim gone', () => ([...taskProcesses().values()].includes(victim) ? undefined : true));
  await start();
  const now = await settled('a replacement running', (ids) => !ids.includes(victim));
  assert.deepEqual(now.filter((id) => before9.includes(id)), before9.slice(1), 'the other tasks were re-attached');
  const { completed } = await masterTasks();
  assert.equal(completed.find((t) => t.id === victim)?.state, 'TASK_FAILED');
  const { app } = await json<{ app: { lastTaskFailure?: { taskId: string; state: string; message: string } } }>(
    `${marathon}/v2/apps${APP}`,
  );
  assert.equal(app.lastTaskFailure?.taskId, victim);
  assert.equal(app.lastTaskFailure.state, 'TASK_FAILED');
  assert.match(app.lastTaskFailure.message, /ended while the agent was down \(exit status unknown\)/);
  assertProcessesAre(now);
  before9 = now;
});

test('agent_recover: cleanup kills what was left running and Marathon starts the app afresh', async () => {
  await kill9();
  const cfg = join(dir, 'cleanup.json');
  await writeFile(cfg, JSON.stringify({ agent_recover: 'cleanup' }));
  await start(['--config', cfg]);
  const fresh = await settled('new tasks running', (ids) => ids.every((id) => !before9.includes(id)));
  assertProcessesAre(fresh);
});

test('a clean stop leaves no task process behind', async () => {
  assert.ok(taskProcesses().size > 0);
  run!.child.kill('SIGTERM');
  assert.equal(await run!.exited, 0);
  run = undefined;
  assert.deepEqual([...taskProcesses().values()], []);
});
