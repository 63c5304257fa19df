/**
 * A Mesos agent: registers with the master, runs the tasks it is sent with its executor in sandboxes under its work
 * dir, and reports their status. Like a Mesos agent with checkpointing, its tasks outlive the agent process: when
 * the agent stops (its unit stopped) the tasks keep running, updates are held, and on start the agent re-registers
 * with the same id, reports what still runs and sends what it held.
 *
 * They outlive the agent's OS process too (kill -9 of minidc): each task is checkpointed under `meta/` (task,
 * pid + start time, latest status) before the master hears of it, and a fresh agent process recovers from those
 * checkpoints before registering — re-attaching to live processes (`recover=reconnect`, reported RUNNING, so the
 * master and Marathon keep them) or killing them (`recover=cleanup`); a task whose process died meanwhile is
 * reported TASK_FAILED. Nothing is left running that no one knows about.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resources } from '../mesos/resources.ts';
import type { AgentEndpoint, AgentInfo, AgentSession, RunningTaskReport } from '../mesos/agent-api.ts';
import type { FrameworkInfo, TaskLaunch } from '../mesos/scheduler-api.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import { PRIORITY } from '../units/unit-journal.ts';
import type { Executor, ExecutorLog } from './executor.ts';
import { AgentCounters } from './agent-counters.ts';
import { signalProcessGroup } from './process-group.ts';
import { isRunning, processIdentity } from './process-identity.ts';
import { TaskCheckpointStore, type TaskCheckpoint } from './task-checkpoint.ts';
import type { TaskSpec } from './task-spec.ts';
import { canTransition, isTerminal, type TaskState } from '../mesos/task-state.ts';
import type { TaskStatus } from '../mesos/task-status.ts';

/** Mesos's `--recover`: re-attach to the tasks a previous agent process left running, or kill them. */
export type RecoverMode = 'reconnect' | 'cleanup';
export const RECOVER_MODES: readonly RecoverMode[] = ['reconnect', 'cleanup'];

/** The master as an agent sees it. */
export interface MasterLink {
  registerAgent(info: AgentInfo, endpoint: AgentEndpoint, tasks: RunningTaskReport[]): Promise<AgentSession>;
}

export interface AgentOptions {
  hostname: string;
  ip: string;
  port: number;
  resources: Resources;
  attributes: Record<string, string>;
  /** Mesos `--work_dir`: sandboxes live under `slaves/<id>/frameworks/…`, the agent id under `meta/`. */
  workDir: string;
  executor: Executor;
  master: MasterLink;
  version: string;
  /** Mesos `--max_completed_executors_per_framework` (150). */
  maxCompletedTasksPerFramework?: number;
  /** What to do with tasks found checkpointed on the first start (default reconnect). */
  recover?: RecoverMode;
  /** The agent unit's journal. */
  log?: ExecutorLog;
  now?: () => number;
}

export interface AgentTask {
  readonly frameworkId: string;
  readonly role: string;
  readonly launch: TaskLaunch;
  readonly executorId: string;
  readonly containerId: string;
  readonly directory: string;
  readonly ports: number[];
  state: TaskState;
  readonly statuses: TaskStatus[];
  /** Epoch seconds. */
  readonly launchedAt: number;
  /** The process's pid and start time are in the checkpoint (they are written once). */
  pidCheckpointed?: boolean;
}

export interface AgentFramework {
  info: FrameworkInfo & { id: string };
  readonly tasks: Map<string, AgentTask>;
  readonly completed: AgentTask[];
}

export class Agent {
  id: string | undefined;
  readonly frameworks = new Map<string, AgentFramework>();
  readonly completedFrameworks: AgentFramework[] = [];
  readonly counters = new AgentCounters();
  startTime = 0;
  masterHostname: string | undefined;
  private session: AgentSession | undefined;
  private online = false;
  /** Updates produced while the agent was down, sent after it re-registers (Mesos's status update manager). */
  private held: { frameworkId: string; status: TaskStatus }[] = [];
  private readonly now: () => number;
  private readonly maxCompleted: number;
  private readonly log: ExecutorLog;
  /** Only executors that can re-attach get checkpoints: simulated tasks do not outlive the process anyway. */
  private readonly checkpoints: TaskCheckpointStore | undefined;
  /** Checkpoint writes per container, chained so each task's updates reach the master in order, after its write. */
  private readonly writes = new Map<string, Promise<void>>();
  private recovered = false;
  /** Recovered tasks as checkpointed, reported at registration even if found dead since (their end follows). */
  private recoveredReports: RunningTaskReport[] = [];

  /** The port the agent's HTTP surface is bound to (part of its pid); set before `start` when bound late. */
  port: number;

  constructor(readonly options: AgentOptions) {
    this.port = options.port;
    this.now = options.now ?? Date.now;
    this.maxCompleted = options.maxCompletedTasksPerFramework ?? 150;
    this.log = options.log ?? (() => {});
    this.checkpoints = options.executor.recover ? new TaskCheckpointStore(options.workDir) : undefined;
  }

  get pid(): string {
    return `slave(1)@${this.options.ip}:${this.port}`;
  }
  get registered(): boolean {
    return this.online && this.session !== undefined;
  }
  get isOnline(): boolean {
    return this.online;
  }
  get workDir(): string {
    return this.options.workDir;
  }

  private get idFile(): string {
    return join(this.options.workDir, 'meta', 'slaves', 'latest');
  }

  /** Starts (or restarts) the agent: recovers its id, registers or re-registers, and flushes held updates. */
  async start(): Promise<void> {
    this.startTime = this.now() / 1000;
    if (this.id === undefined) this.id = await readOptional(this.idFile);
    if (!this.recovered && this.id !== undefined) {
      // Once only, even if it fails midway: recovering a task twice would report a live one as a duplicate.
      this.recovered = true;
      await this.recoverTasks(this.id);
    }
    this.recovered = true;
    this.online = true;
    const reports: RunningTaskReport[] = [];
    for (const fw of this.frameworks.values())
      for (const t of fw.tasks.values()) {
        const latest = t.statuses[t.statuses.length - 1];
        if (latest && !isTerminal(latest.state)) reports.push({ frameworkId: fw.info.id, launch: t.launch, role: t.role, latest });
      }
    for (const r of this.recoveredReports)
      if (!reports.some((x) => x.launch.taskId === r.launch.taskId && x.frameworkId === r.frameworkId)) reports.push(r);
    const info: AgentInfo = {
      ...(this.id === undefined ? {} : { id: this.id }),
      hostname: this.options.hostname,
      ip: this.options.ip,
      port: this.port,
      resources: this.options.resources,
      attributes: this.options.attributes,
      version: this.options.version,
    };
    try {
      this.session = await this.options.master.registerAgent(info, this.endpoint(), reports);
    } catch (err) {
      this.online = false;
      throw err;
    }
    if (this.id !== this.session.agentId) {
      this.id = this.session.agentId;
      await mkdir(join(this.options.workDir, 'meta', 'slaves'), { recursive: true });
      await writeFileAtomic(this.idFile, this.id);
    }
    this.counters.registered = true;
    this.recoveredReports = [];
    const held = this.held;
    this.held = [];
    for (const h of held) this.session.statusUpdate(h.frameworkId, h.status);
  }

  /** The agent process goes away; its tasks keep running (they are killed only by `shutdownTasks`). */
  stop(): void {
    this.online = false;
    this.counters.registered = false;
    const session = this.session;
    this.session = undefined;
    session?.disconnect();
  }

  /** Kills every task with its grace period (minidc is shutting down). */
  async shutdownTasks(): Promise<void> {
    await this.options.executor.shutdown();
  }

  tasks(): AgentTask[] {
    const out: AgentTask[] = [];
    for (const fw of this.frameworks.values()) out.push(...fw.tasks.values());
    return out;
  }

  private endpoint(): AgentEndpoint {
    return {
      ping: () => this.online,
      runTask: (framework, role, task) => {
        if (this.online) this.runTask(framework, role, task);
      },
      killTask: (frameworkId, taskId, graceMs) => {
        if (!this.online) return;
        const task = this.frameworks.get(frameworkId)?.tasks.get(taskId);
        if (task) void this.options.executor.kill(taskId, graceMs);
      },
      frameworkMessage: (frameworkId, executorId) => {
        if (this.online) this.frameworkMessage(frameworkId, executorId);
      },
      shutdownFramework: (frameworkId) => {
        if (!this.online) return;
        const fw = this.frameworks.get(frameworkId);
        if (fw) for (const id of fw.tasks.keys()) void this.options.executor.kill(id);
      },
      shutdown: () => {
        void this.options.executor.shutdown();
        this.stop();
      },
    };
  }

  /**
   * A framework's message for an executor: valid when the executor is running (registered, not terminating), as
   * Mesos's agent decides. minidc's executors are command executors, which ignore the data as Mesos's does.
   */
  private frameworkMessage(frameworkId: string, executorId: string): void {
    // A command executor has its task's id, so the executor is found by task id.
    const candidate = this.frameworks.get(frameworkId)?.tasks.get(executorId);
    const task = candidate?.executorId === executorId ? candidate : undefined;
    const running = task !== undefined && (task.state === 'TASK_STARTING' || task.state === 'TASK_RUNNING');
    if (running) this.counters.validFrameworkMessages++;
    else {
      this.counters.invalidFrameworkMessages++;
      const why = task === undefined ? 'no such executor' : `its task is ${task.state}`;
      this.log(`dropped a message from framework ${frameworkId} for executor ${executorId}: ${why}`, PRIORITY.warning);
    }
  }

  /** What an executor of this agent sends its framework (through the master); false when the agent is not registered. */
  executorMessage(frameworkId: string, executorId: string, data: Uint8Array): boolean {
    if (!this.online || !this.session) return false;
    this.session.executorMessage(frameworkId, executorId, data);
    return true;
  }

  private runTask(framework: FrameworkInfo & { id: string }, role: string, launch: TaskLaunch): void {
    const agentId = this.id!;
    let fw = this.frameworks.get(framework.id);
    if (!fw) this.frameworks.set(framework.id, (fw = { info: framework, tasks: new Map(), completed: [] }));
    fw.info = framework;
    const executorId = launch.taskId;
    const containerId = randomUUID();
    const directory = join(
      this.options.workDir,
      'slaves',
      agentId,
      'frameworks',
      framework.id,
      'executors',
      executorId,
      'runs',
      containerId,
    );
    const ports = expandPorts(launch.resources);
    const task: AgentTask = {
      frameworkId: framework.id,
      role,
      launch,
      executorId,
      containerId,
      directory,
      ports,
      state: 'TASK_STAGING',
      statuses: [],
      launchedAt: this.now() / 1000,
    };
    fw.tasks.set(launch.taskId, task);
    this.counters.taskTransition(undefined, 'TASK_STAGING');
    const spec = this.taskSpec(task);
    const start = () => this.options.executor.launch(spec, (status) => this.onStatus(fw, task, status));
    const store = this.checkpoints;
    if (!store) return start();
    // The checkpoint first: a crash after the launch must leave a trace of the task.
    this.checkpointStep(task, () =>
      store.saveTask(agentId, framework, { frameworkId: framework.id, executorId, containerId, role, launch, directory, ports, launchedAt: task.launchedAt }),
    ).then(start, () => start());
  }

  private taskSpec(task: AgentTask): TaskSpec {
    const { launch } = task;
    return {
      taskId: launch.taskId,
      frameworkId: task.frameworkId,
      executorId: task.executorId,
      containerId: task.containerId,
      command: launch.command,
      env: launch.env ?? {},
      sandboxDir: task.directory,
      ports: task.ports,
      host: this.options.ip,
      ...(launch.user === undefined ? {} : { user: launch.user }),
      ...(launch.killGracePeriodMs === undefined ? {} : { killGracePeriodMs: launch.killGracePeriodMs }),
    };
  }

  /** Runs one checkpoint write after the task's earlier ones; a failed write is logged, never fatal to the task. */
  private checkpointStep(task: AgentTask, write: () => Promise<void>): Promise<void> {
    const key = task.containerId;
    const step = (this.writes.get(key) ?? Promise.resolve())
      .then(write)
      .catch((err: unknown) =>
        this.log(`checkpointing task ${task.launch.taskId} failed: ${(err as Error).message}`, PRIORITY.err),
      );
    this.writes.set(key, step);
    void step.then(() => {
      if (this.writes.get(key) === step) this.writes.delete(key);
    });
    return step;
  }

  /** Reads the checkpoints a previous agent process left and recovers (or, with recover=cleanup, kills) them. */
  private async recoverTasks(agentId: string): Promise<void> {
    const store = this.checkpoints;
    const recover = this.options.executor.recover?.bind(this.options.executor);
    if (!store || !recover) return;
    const { tasks, problems } = await store.load(agentId);
    this.counters.recoveryErrors += problems.length;
    for (const p of problems) this.log(p, PRIORITY.warning);
    const mode = this.options.recover ?? 'reconnect';
    for (const c of tasks) {
      if (c.latest && isTerminal(c.latest.state)) {
        await store.remove(agentId, c); // ended, and its checkpoint's removal was cut short
        continue;
      }
      if (mode === 'cleanup') {
        await this.cleanUp(agentId, store, c);
        continue;
      }
      let fw = this.frameworks.get(c.frameworkId);
      if (!fw) this.frameworks.set(c.frameworkId, (fw = { info: c.framework, tasks: new Map(), completed: [] }));
      const state = c.latest?.state ?? 'TASK_STAGING';
      const task: AgentTask = {
        frameworkId: c.frameworkId,
        role: c.role,
        launch: c.launch,
        executorId: c.executorId,
        containerId: c.containerId,
        directory: c.directory,
        ports: c.ports,
        state,
        statuses: c.latest ? [c.latest] : [],
        launchedAt: c.launchedAt,
        pidCheckpointed: c.pid !== undefined,
      };
      fw.tasks.set(c.launch.taskId, task);
      this.counters.taskTransition(undefined, state);
      if (c.latest && !isTerminal(state))
        this.recoveredReports.push({ frameworkId: c.frameworkId, launch: c.launch, role: c.role, latest: c.latest });
      const alive = c.pid !== undefined && isRunning(c.pid);
      this.log(
        alive
          ? `recovered task ${c.launch.taskId} (pid ${c.pid!.pid}): re-attached`
          : `recovered task ${c.launch.taskId}: its process is gone, reporting it failed`,
        alive ? PRIORITY.info : PRIORITY.warning,
      );
      const target = fw;
      recover(this.taskSpec(task), c.pid, state, (status) => this.onStatus(target, task, status));
    }
  }

  /** recover=cleanup: the task's process group is killed and its checkpoint dropped; the master will call it gone. */
  private async cleanUp(agentId: string, store: TaskCheckpointStore, c: TaskCheckpoint): Promise<void> {
    if (c.pid !== undefined && isRunning(c.pid)) {
      signalProcessGroup(c.pid.pid, 'SIGKILL');
      this.log(`recover=cleanup: killed task ${c.launch.taskId} (pid ${c.pid.pid}) left by a previous agent`, PRIORITY.notice);
    }
    await store.remove(agentId, c);
  }

  private onStatus(fw: AgentFramework, task: AgentTask, status: TaskStatus): void {
    const invalid = invalidUpdate(fw, task, status);
    if (invalid !== undefined) {
      // Like Mesos's agent: an update that does not fit the task is dropped and counted, never forwarded.
      this.counters.invalidStatusUpdates++;
      this.log(`dropped an invalid status update ${status.state} for task ${task.launch.taskId}: ${invalid}`, PRIORITY.warning);
      return;
    }
    this.record(fw, task, status);
    const update = { frameworkId: fw.info.id, status };
    const store = this.checkpoints;
    const agentId = this.id;
    if (!store || agentId === undefined) return this.forward(update);
    // Read now, while the process is surely still ours to see (it may exit, and be reaped, any moment).
    const pid = status.containerStatus?.executor_pid;
    const identity = pid !== undefined && !task.pidCheckpointed ? processIdentity(pid) : undefined;
    if (identity) task.pidCheckpointed = true;
    void this.checkpointStep(task, async () => {
      if (isTerminal(status.state)) return store.remove(agentId, task);
      if (identity) await store.savePid(agentId, task, identity);
      await store.saveStatus(agentId, task, status);
    }).then(() => this.forward(update));
  }

  private forward(update: { frameworkId: string; status: TaskStatus }): void {
    if (this.online && this.session) this.session.statusUpdate(update.frameworkId, update.status);
    else this.held.push(update);
  }

  private record(fw: AgentFramework, task: AgentTask, status: TaskStatus): void {
    this.counters.taskTransition(task.state, status.state, status);
    task.state = status.state;
    task.statuses.push(status);
    if (task.statuses.length > 32) task.statuses.shift();
    if (isTerminal(status.state)) {
      fw.tasks.delete(task.launch.taskId);
      fw.completed.push(task);
      if (fw.completed.length > this.maxCompleted) fw.completed.shift();
    }
  }
}

/** Why `status` cannot be an update of `task` (undefined when it can): a task no longer live, another task's id, a step back. */
function invalidUpdate(fw: AgentFramework, task: AgentTask, status: TaskStatus): string | undefined {
  if (status.taskId !== task.launch.taskId) return `it is for task ${status.taskId}`;
  if (isTerminal(task.state) || fw.tasks.get(task.launch.taskId) !== task) return `the task is already ${task.state}`;
  if (!canTransition(task.state, status.state)) return `a task cannot go from ${task.state} to ${status.state}`;
  return undefined;
}

/** Host ports in the order Mesos lists them (ascending ranges), which is the order of PORT0, PORT1, … */
export function expandPorts(resources: Resources): number[] {
  const out: number[] = [];
  for (const e of resources.entries)
    if (e.kind === 'ranges' && e.name === 'ports') for (const [b, x] of e.ranges) for (let p = b; p <= x; p++) out.push(p);
  return out;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
