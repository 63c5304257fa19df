/**
 * A Mesos agent: registers with the master, runs the tasks it is sent with its executor in sandboxes under its work
 * dir, and reports their status. Like a Mesos agent with checkpointing, its tasks outlive the agent process: when
 * the agent stops (its unit stopped) the tasks keep running, updates are held, and on start the agent re-registers
 * with the same id, reports what still runs and sends what it held.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resources } from '../allocator/resources.ts';
import type { AgentEndpoint, AgentInfo, AgentSession, RunningTaskReport } from '../master/agent-api.ts';
import type { FrameworkInfo, TaskLaunch } from '../master/scheduler-api.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import type { Executor } from './executor.ts';
import { AgentCounters } from './agent-counters.ts';
import { isTerminal, type TaskState } from './task-state.ts';
import type { TaskStatus } from './task-status.ts';

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
  private held: { frameworkId: string; taskId: string; status: TaskStatus }[] = [];
  private readonly now: () => number;
  private readonly maxCompleted: number;

  /** The port the agent's HTTP surface is bound to (part of its pid); set before `start` when bound late. */
  port: number;

  constructor(readonly options: AgentOptions) {
    this.port = options.port;
    this.now = options.now ?? Date.now;
    this.maxCompleted = options.maxCompletedTasksPerFramework ?? 150;
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
    this.online = true;
    const reports: RunningTaskReport[] = [];
    for (const fw of this.frameworks.values())
      for (const t of fw.tasks.values()) {
        const latest = t.statuses[t.statuses.length - 1];
        if (latest && !isTerminal(latest.state)) reports.push({ frameworkId: fw.info.id, launch: t.launch, role: t.role, latest });
      }
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
    const held = this.held;
    this.held = [];
    for (const h of held) this.session.statusUpdate(h.frameworkId, h.taskId, h.status);
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
    this.options.executor.launch(
      {
        taskId: launch.taskId,
        frameworkId: framework.id,
        executorId,
        containerId,
        command: launch.command,
        env: launch.env ?? {},
        sandboxDir: directory,
        ports,
        host: this.options.ip,
        ...(launch.user === undefined ? {} : { user: launch.user }),
        ...(launch.killGracePeriodMs === undefined ? {} : { killGracePeriodMs: launch.killGracePeriodMs }),
      },
      (status) => this.onStatus(fw, task, status),
    );
  }

  private onStatus(fw: AgentFramework, task: AgentTask, status: TaskStatus): void {
    this.counters.taskTransition(task.state, status.state, status);
    task.state = status.state;
    task.statuses.push(status);
    if (task.statuses.length > 32) task.statuses.shift();
    if (isTerminal(status.state)) {
      fw.tasks.delete(task.launch.taskId);
      fw.completed.push(task);
      if (fw.completed.length > this.maxCompleted) fw.completed.shift();
    }
    const update = { frameworkId: fw.info.id, taskId: task.launch.taskId, status };
    if (this.online && this.session) this.session.statusUpdate(update.frameworkId, update.taskId, status);
    else this.held.push(update);
  }
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
