/**
 * The agent's checkpoint of each task, in Mesos's layout under `<work_dir>/meta`:
 *
 *   meta/slaves/<agent>/frameworks/<fw>/framework.info
 *   meta/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container>/task.info    launch, role, ports
 *   meta/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container>/forked.pid   pid + start time
 *   meta/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container>/task.status  latest status
 *
 * Every file is replaced atomically, so a restart after kill -9 finds each one whole or not at all. A task's run
 * is removed once it is terminal: what is left on disk is exactly what may still be running.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Resources } from '../mesos/resources.ts';
import type { FrameworkInfo, TaskLaunch } from '../mesos/scheduler-api.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import type { ProcessIdentity } from './process-identity.ts';
import type { ContainerStatus, TaskStatus } from '../mesos/task-status.ts';

/** Where one task run's checkpoint lives. */
export interface TaskRunKey {
  frameworkId: string;
  executorId: string;
  containerId: string;
}

export interface TaskInfoCheckpoint extends TaskRunKey {
  role: string;
  launch: TaskLaunch;
  directory: string;
  ports: number[];
  /** Epoch seconds. */
  launchedAt: number;
}

export interface TaskCheckpoint extends TaskInfoCheckpoint {
  framework: FrameworkInfo & { id: string };
  /** Absent when the agent died between starting the launch and checkpointing the process. */
  pid?: ProcessIdentity;
  latest?: TaskStatus;
}

export interface LoadedCheckpoints {
  tasks: TaskCheckpoint[];
  /** Runs that could not be read (reported, then removed: nothing can be recovered from them). */
  problems: string[];
}

export class TaskCheckpointStore {
  constructor(private readonly workDir: string) {}

  private agentDir(agentId: string): string {
    return join(this.workDir, 'meta', 'slaves', agentId);
  }
  private frameworkDir(agentId: string, frameworkId: string): string {
    return join(this.agentDir(agentId), 'frameworks', frameworkId);
  }
  private executorDir(agentId: string, key: TaskRunKey): string {
    return join(this.frameworkDir(agentId, key.frameworkId), 'executors', key.executorId);
  }
  private runDir(agentId: string, key: TaskRunKey): string {
    return join(this.executorDir(agentId, key), 'runs', key.containerId);
  }

  /** Before the launch: the framework and the task, so a crash from here on leaves a trace to recover from. */
  async saveTask(agentId: string, framework: FrameworkInfo & { id: string }, task: TaskInfoCheckpoint): Promise<void> {
    const run = this.runDir(agentId, task);
    await mkdir(run, { recursive: true });
    await writeFileAtomic(join(this.frameworkDir(agentId, task.frameworkId), 'framework.info'), JSON.stringify(framework));
    await writeFileAtomic(join(run, 'task.info'), JSON.stringify(task));
  }

  async savePid(agentId: string, key: TaskRunKey, pid: ProcessIdentity): Promise<void> {
    await writeFileAtomic(join(this.runDir(agentId, key), 'forked.pid'), JSON.stringify(pid));
  }

  async saveStatus(agentId: string, key: TaskRunKey, status: TaskStatus): Promise<void> {
    await writeFileAtomic(join(this.runDir(agentId, key), 'task.status'), JSON.stringify(status));
  }

  /** The task is terminal: nothing of it is left to recover. */
  async remove(agentId: string, key: TaskRunKey): Promise<void> {
    await rm(this.executorDir(agentId, key), { recursive: true, force: true });
  }

  /** Every checkpointed run of the agent. */
  async load(agentId: string): Promise<LoadedCheckpoints> {
    const out: LoadedCheckpoints = { tasks: [], problems: [] };
    const frameworksDir = join(this.agentDir(agentId), 'frameworks');
    for (const frameworkId of await listDir(frameworksDir)) {
      const fwDir = join(frameworksDir, frameworkId);
      const framework = await readJson<FrameworkInfo & { id: string }>(join(fwDir, 'framework.info'));
      for (const executorId of await listDir(join(fwDir, 'executors')))
        for (const containerId of await listDir(join(fwDir, 'executors', executorId, 'runs'))) {
          const key = { frameworkId, executorId, containerId };
          const run = this.runDir(agentId, key);
          try {
            const info = await readJson<TaskInfoCheckpoint>(join(run, 'task.info'));
            if (!framework || !info) throw new Error('task.info or framework.info is missing');
            const pid = await readJson<ProcessIdentity>(join(run, 'forked.pid'));
            const latest = await readJson<CheckpointedStatus>(join(run, 'task.status'));
            const launch = { ...info.launch, resources: Resources.parse(info.launch.resources as unknown as string) };
            out.tasks.push({
              ...info,
              ...key,
              launch,
              framework,
              ...(pid === undefined ? {} : { pid }),
              ...(latest === undefined ? {} : { latest: currentStatus(latest, info.launch.taskId) }),
            });
          } catch (err) {
            out.problems.push(`checkpoint ${run} cannot be recovered: ${(err as Error).message}`);
            await this.remove(agentId, key);
          }
        }
    }
    return out;
  }
}

/** A task.status as it may be on disk: minidc before TaskStatus had one shape wrote no taskId, and container_status. */
type CheckpointedStatus = Omit<TaskStatus, 'taskId'> & { taskId?: string; container_status?: ContainerStatus };

/** Reads an older task.status as today's, so tasks keep running across a minidc upgrade. */
function currentStatus(saved: CheckpointedStatus, taskId: string): TaskStatus {
  const { container_status: legacy, ...status } = saved;
  const containerStatus = status.containerStatus ?? legacy;
  return { ...status, taskId: status.taskId ?? taskId, ...(containerStatus === undefined ? {} : { containerStatus }) };
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}
