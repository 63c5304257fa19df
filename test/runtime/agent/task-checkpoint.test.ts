// The agent's task checkpoints on disk: what a restarted agent reads back, including files older minidc wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskCheckpointStore } from '../../../runtime/agent/task-checkpoint.ts';

const AGENT = 'A1-S0';
const KEY = { frameworkId: 'F1', executorId: 't1', containerId: 'c1' };

async function workDirWithRun(status: object): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'minidc-checkpoint-'));
  const fwDir = join(workDir, 'meta', 'slaves', AGENT, 'frameworks', KEY.frameworkId);
  const run = join(fwDir, 'executors', KEY.executorId, 'runs', KEY.containerId);
  await mkdir(run, { recursive: true });
  await writeFile(join(fwDir, 'framework.info'), JSON.stringify({ id: 'F1', name: 'marathon', user: 'root', roles: ['*'] }));
  const launch = { taskId: 't1', name: 't1', resources: 'cpus:0.1;mem:32', command: { value: 'sleep 100' } };
  await writeFile(
    join(run, 'task.info'),
    JSON.stringify({ ...KEY, role: '*', launch, directory: '/tmp/sandbox', ports: [], launchedAt: 1 }),
  );
  await writeFile(join(run, 'task.status'), JSON.stringify(status));
  return workDir;
}

test('a task.status from before TaskStatus had one shape (no taskId, container_status) reads as today\'s', async (t) => {
  const container = { container_id: { value: 'c1' }, network_infos: [], executor_pid: 4242 };
  const workDir = await workDirWithRun({ state: 'TASK_RUNNING', timestamp: 1.5, container_status: container });
  t.after(() => rm(workDir, { recursive: true, force: true }));

  const { tasks, problems } = await new TaskCheckpointStore(workDir).load(AGENT);
  assert.deepEqual(problems, []);
  assert.equal(tasks.length, 1);
  assert.deepEqual(tasks[0]!.latest, { taskId: 't1', state: 'TASK_RUNNING', timestamp: 1.5, containerStatus: container });
});

test('a status saved today reads back as it was saved', async (t) => {
  const workDir = await workDirWithRun({ taskId: 't1', state: 'TASK_STARTING', timestamp: 1 });
  t.after(() => rm(workDir, { recursive: true, force: true }));
  const store = new TaskCheckpointStore(workDir);
  const status = {
    taskId: 't1',
    state: 'TASK_RUNNING' as const,
    timestamp: 2.25,
    healthy: true,
    containerStatus: { container_id: { value: 'c1' }, network_infos: [] },
  };
  await store.saveStatus(AGENT, KEY, status);
  const { tasks } = await store.load(AGENT);
  assert.deepEqual(tasks[0]!.latest, status);
});
