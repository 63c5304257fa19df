/**
 * Runs tasks as real processes, like Mesos's command executor under the POSIX launcher: each task gets a sandbox
 * directory (its cwd, holding `stdout` and `stderr`), runs in its own process group, and is killed group-wide with
 * SIGTERM, then SIGKILL after the grace period. Its output goes through pipes to a task output logger process
 * (task-output-logger.mjs) that writes the sandbox files, so they can be rotated while the task runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, open } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { logTaskError, type Executor, type ExecutorOptions } from './executor.ts';
import { signalProcess, signalProcessGroup } from './process-group.ts';
import { isRunning, type ProcessIdentity } from './process-identity.ts';
import { lookupSystemUser, type SystemUser } from './system-user.ts';
import { taskEnvironment, type InheritedEnvironment } from './task-environment.ts';
import { DEFAULT_KILL_GRACE_PERIOD_MS, isGracePeriod, validateTaskSpec, type TaskSpec } from './task-spec.ts';
import { isTerminal, type TaskState } from '../mesos/task-state.ts';
import { describeExit } from './exit-description.ts';
import type { TaskStatusListener } from '../mesos/task-status.ts';
import { TaskStatusReporter } from './task-status-reporter.ts';
import { acceptLaunch } from './launch-request.ts';

export interface ProcessExecutorOptions extends ExecutorOptions {
  /** Honour TaskSpec.user, as Mesos's --switch_user (default true); false runs every task as the agent's user. */
  switchUser?: boolean;
  /** Where tasks inherit PATH and HOME from. Default process.env. */
  inheritedEnv?: InheritedEnvironment;
  /** Grace period for kills when neither kill() nor the task names one. */
  defaultKillGracePeriodMs?: number;
  /** For tests: the passwd file users are looked up in. */
  passwdPath?: string;
  /** How often re-attached task processes (not our children, so no exit event) are checked. Default 500 ms. */
  reattachedPollMs?: number;
  /** The node's resolv.conf (dcos-gen-resolvconf writes it): copied into each sandbox at launch, named by RESOLV_CONF. */
  resolvConfPath?: string;
  /** The node's DNS forwarder (`ip:port`), given to tasks as MINIDC_DNS: resolv.conf cannot name a port but 53. */
  dnsForwarder?: () => string | undefined;
}

interface ProcessTask {
  readonly spec: TaskSpec;
  readonly reporter: TaskStatusReporter;
  readonly onError: (error: unknown) => void;
  child?: ChildProcess;
  /** Also the process group id: the task leads its own group. */
  pid?: number;
  killRequested: boolean;
  escalation?: NodeJS.Timeout;
  /** performance.now() at which SIGKILL is due, once a kill is under way. */
  sigkillAt?: number;
  /** Set for a task re-attached after an agent restart: watched by pid and start time instead of an exit event. */
  reattached?: ProcessIdentity;
  /** The task output logger, and its exit: everything the task wrote is in the files then. */
  logger?: ChildProcess;
  outputWritten?: Promise<unknown>;
}

const TASK_OUTPUT_LOGGER = fileURLToPath(new URL('./task-output-logger.mjs', import.meta.url));
/**
 * How long a terminal status waits for the output logger after the task's group is killed. It ends at once unless
 * something outside the group (a process that called setsid) still holds the pipes; the status must not wait on it.
 */
const OUTPUT_DRAIN_MAX_MS = 1000;

export class ProcessExecutor implements Executor {
  private readonly tasks = new Map<string, ProcessTask>();
  private shuttingDown = false;
  private readonly now: () => number;
  private readonly onError: (error: unknown, taskId: string) => void;
  private readonly switchUser: boolean;
  private readonly inheritedEnv: InheritedEnvironment;
  private readonly defaultGraceMs: number;
  private readonly passwdPath: string | undefined;
  private readonly reattachedPollMs: number;
  private readonly resolvConfPath: string | undefined;
  private readonly dnsForwarder: (() => string | undefined) | undefined;
  private reattachedWatch: NodeJS.Timeout | undefined;

  constructor(options: ProcessExecutorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? logTaskError(options.log);
    this.switchUser = options.switchUser ?? true;
    this.inheritedEnv = options.inheritedEnv ?? { PATH: process.env.PATH, HOME: process.env.HOME };
    this.defaultGraceMs = options.defaultKillGracePeriodMs ?? DEFAULT_KILL_GRACE_PERIOD_MS;
    this.passwdPath = options.passwdPath;
    this.reattachedPollMs = options.reattachedPollMs ?? 500;
    this.resolvConfPath = options.resolvConfPath;
    this.dnsForwarder = options.dnsForwarder;
  }

  /** Pid (= process group id) of a live task once spawned. */
  pid(taskId: string): number | undefined {
    return this.tasks.get(taskId)?.pid;
  }

  launch(task: TaskSpec, onStatus: TaskStatusListener): void {
    const accepted = acceptLaunch(task, onStatus, {
      now: this.now,
      onError: this.onError,
      isLive: (id) => this.tasks.has(id),
    });
    if (!accepted) return;
    const { taskId, reporter, onError } = accepted;
    if (this.shuttingDown) {
      reporter.report('TASK_DROPPED', { message: 'Executor is shutting down', source: 'SOURCE_SLAVE' });
      return;
    }
    const t: ProcessTask = { spec: task, reporter, onError, killRequested: false };
    this.tasks.set(taskId, t);
    void this.start(t);
  }

  recover(task: TaskSpec, identity: ProcessIdentity | undefined, state: TaskState, onStatus: TaskStatusListener): void {
    const taskId = typeof task?.taskId === 'string' ? task.taskId : '';
    const onError = (e: unknown) => this.onError(e, taskId);
    const problem = validateTaskSpec(task) ?? (this.tasks.has(taskId) ? `Task '${taskId}' is already running` : undefined);
    const from = isTerminal(state) ? 'TASK_STAGING' : state;
    const reporter = new TaskStatusReporter(taskId, onStatus, task.host, { now: this.now, onError, initialState: from }, task.containerId);
    if (identity) reporter.setPid(identity.pid);
    if (problem !== undefined) {
      reporter.report('TASK_FAILED', { message: `Cannot recover the task: ${problem}`, source: 'SOURCE_SLAVE' });
      return;
    }
    if (!identity || !isRunning(identity)) {
      // Whatever the task forked may still run in its group; the container ends with its main process.
      if (identity) signalProcessGroup(identity.pid, 'SIGKILL');
      reporter.report('TASK_FAILED', {
        message: identity
          ? 'Task process ended while the agent was down (exit status unknown)'
          : 'The agent stopped before the task process was checkpointed',
        source: 'SOURCE_SLAVE',
        reason: 'REASON_EXECUTOR_TERMINATED',
      });
      return;
    }
    const t: ProcessTask = { spec: task, reporter, onError, killRequested: from === 'TASK_KILLING', pid: identity.pid, reattached: identity };
    this.tasks.set(taskId, t);
    // A kill under way when the agent went down is finished now.
    if (t.killRequested) {
      this.terminate(t);
      this.scheduleSigkill(t, task.killGracePeriodMs ?? this.defaultGraceMs);
    }
    this.reattachedWatch ??= setInterval(() => this.checkReattached(), this.reattachedPollMs);
  }

  /** Re-attached processes are not our children: their end is seen by polling, and its status cannot be known. */
  private checkReattached(): void {
    let watching = false;
    for (const t of this.tasks.values()) {
      if (!t.reattached) continue;
      if (isRunning(t.reattached)) {
        watching = true;
        continue;
      }
      clearTimeout(t.escalation);
      this.signalGroup(t, 'SIGKILL');
      this.forget(t);
      const message = 'Command exited with an unknown status (re-attached after an agent restart, it is not our child)';
      if (t.killRequested) t.reporter.report('TASK_KILLED', { message, source: 'SOURCE_EXECUTOR' });
      else
        t.reporter.report('TASK_FAILED', { message, source: 'SOURCE_EXECUTOR', reason: 'REASON_COMMAND_EXECUTOR_FAILED' });
    }
    if (!watching) {
      clearInterval(this.reattachedWatch);
      this.reattachedWatch = undefined;
    }
  }

  kill(taskId: string, gracePeriodMs?: number): Promise<boolean> {
    const t = this.tasks.get(taskId);
    if (!t) return Promise.resolve(false);
    const graceMs = gracePeriodMs ?? t.spec.killGracePeriodMs ?? this.defaultGraceMs;
    if (!isGracePeriod(graceMs)) return Promise.reject(new RangeError(`invalid kill grace period: ${graceMs}`));
    if (!t.killRequested) {
      t.killRequested = true;
      t.reporter.report('TASK_KILLING', { source: 'SOURCE_EXECUTOR' });
      // Not spawned yet: start() sees the request and never spawns.
      if (t.pid !== undefined) this.terminate(t);
    }
    if (t.pid !== undefined) this.scheduleSigkill(t, graceMs);
    return t.reporter.done.then(() => true);
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.tasks.keys()].map((id) => this.kill(id)));
  }

  /** Sandbox, STARTING, log files, spawn. Never rejects: every failure becomes the task's terminal status. */
  private async start(t: ProcessTask): Promise<void> {
    const { spec, reporter } = t;
    try {
      const user = await this.resolveUser(spec);
      await mkdir(spec.sandboxDir, { recursive: true });
      if (user) await chown(spec.sandboxDir, user.uid, user.gid);
      if (t.killRequested) return this.killedBeforeLaunch(t);
      reporter.report('TASK_STARTING', { source: 'SOURCE_EXECUTOR' });

      const dnsEnv = await this.sandboxDns(spec.sandboxDir);
      const logs = await createLogs(spec.sandboxDir, user);
      if (t.killRequested) return this.killedBeforeLaunch(t);
      this.spawn(t, logs, user, dnsEnv);
    } catch (e) {
      this.launchFailed(t, e);
    }
  }

  /** MINIDC_DNS, and RESOLV_CONF naming the node's resolv.conf as of this launch, copied into the sandbox. */
  private async sandboxDns(sandboxDir: string): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    const forwarder = this.dnsForwarder?.();
    if (forwarder !== undefined) env.MINIDC_DNS = forwarder;
    if (this.resolvConfPath === undefined) return env;
    const copy = join(sandboxDir, 'resolv.conf');
    try {
      await copyFile(this.resolvConfPath, copy);
    } catch (err) {
      // Not written yet (gen-resolvconf has not run): the task goes without, as it would without the timer.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return env;
      throw err;
    }
    // Readable by a task running as another user.
    await chmod(copy, 0o644);
    env.RESOLV_CONF = copy;
    return env;
  }

  private spawn(t: ProcessTask, [stdoutPath, stderrPath]: string[], user: SystemUser | undefined, dnsEnv: Record<string, string>): void {
    const { spec, reporter } = t;
    const { command } = spec;
    // Mesos: with shell, `arguments` are ignored; without, they are the whole argv including argv[0].
    const shell = command.shell !== false;
    const file = shell ? '/bin/sh' : command.value;
    const args = shell ? ['-c', command.value] : (command.arguments ?? []).slice(1);
    const argv0 = shell ? 'sh' : (command.arguments?.[0] ?? command.value);
    const env = { ...taskEnvironment(spec, { PATH: this.inheritedEnv.PATH, HOME: user?.home ?? this.inheritedEnv.HOME }), ...dnsEnv };

    // The logger first: the task's stdout and stderr are the write ends of its pipes on fds 0 and 3. In a session of
    // its own, so neither a kill of the task's group nor the agent's end (kill -9) takes it down before the task.
    const logger = spawn(process.execPath, [TASK_OUTPUT_LOGGER, stdoutPath!, stderrPath!], {
      // Not the sandbox: the logger is no part of the task (nothing that looks for the task's processes by their
      // working directory may take it for one).
      cwd: '/',
      env: {},
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore', 'pipe'],
    });
    logger.on('error', t.onError);
    t.logger = logger;
    t.outputWritten = new Promise((resolve) => logger.once('exit', resolve));
    const [toStdout, toStderr] = [logger.stdin!, logger.stdio[3] as Socket];
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        argv0,
        cwd: spec.sandboxDir,
        env,
        // Its own session and process group, so signals to -pid reach everything the task forks.
        detached: true,
        stdio: ['ignore', toStdout, toStderr],
        uid: user?.uid,
        gid: user?.gid,
      });
    } finally {
      // The task holds its own copies; the logger sees the end of its output once the task's are closed.
      toStdout.destroy();
      toStderr.destroy();
    }
    t.child = child;
    // Kept for the child's lifetime: a later 'error' (e.g. from kill) must not become an uncaught exception.
    child.on('error', (e) => (t.pid === undefined ? this.launchFailed(t, e) : t.onError(e)));
    if (child.pid === undefined) return; // 'error' follows
    t.pid = child.pid;
    reporter.setPid(child.pid);
    child.once('spawn', () => {
      // A kill that arrived in between already reported KILLING, which RUNNING may not follow.
      if (!t.killRequested) reporter.report('TASK_RUNNING', { source: 'SOURCE_EXECUTOR' });
    });
    child.once('exit', (code, signal) => this.exited(t, code, signal));
  }

  private exited(t: ProcessTask, code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(t.escalation);
    // The container ends with its main process: whatever it left running in its group goes too.
    this.signalGroup(t, 'SIGKILL');
    this.forget(t);
    // With the group gone the pipes close, and the logger exits once the last of the output is in the files.
    const written = t.outputWritten ?? Promise.resolve();
    const drained = new AbortController();
    const cap = delay(OUTPUT_DRAIN_MAX_MS, undefined, { signal: drained.signal }).catch(() => undefined);
    void Promise.race([written, cap]).then(() => {
      drained.abort();
      // A logger still fed by an escaped process must not keep the agent's process alive.
      t.logger?.unref();
      this.reportExit(t, code, signal);
    });
  }

  private reportExit(t: ProcessTask, code: number | null, signal: NodeJS.Signals | null): void {
    const message = `Command ${describeExit(code, signal)}`;
    if (t.killRequested) t.reporter.report('TASK_KILLED', { message, source: 'SOURCE_EXECUTOR' });
    else if (code === 0) t.reporter.report('TASK_FINISHED', { message, source: 'SOURCE_EXECUTOR' });
    else
      t.reporter.report('TASK_FAILED', { message, source: 'SOURCE_EXECUTOR', reason: 'REASON_COMMAND_EXECUTOR_FAILED' });
  }

  private terminate(t: ProcessTask): void {
    // 'gone' while the leader is unreaped means it left its group; signal it directly then.
    if (this.signalGroup(t, 'SIGTERM') === 'gone') this.signalLeader(t, 'SIGTERM');
  }

  private signalLeader(t: ProcessTask, signal: NodeJS.Signals): void {
    if (t.child) t.child.kill(signal);
    // A re-attached leader only while it is still the same process: its pid may have been reused.
    else if (t.reattached && isRunning(t.reattached)) signalProcess(t.reattached.pid, signal);
  }

  /** Arms SIGKILL `graceMs` from now, unless one is already due sooner. */
  private scheduleSigkill(t: ProcessTask, graceMs: number): void {
    const at = performance.now() + graceMs;
    if (t.sigkillAt !== undefined && t.sigkillAt <= at) return;
    clearTimeout(t.escalation);
    t.sigkillAt = at;
    t.escalation = setTimeout(() => {
      this.signalGroup(t, 'SIGKILL');
      this.signalLeader(t, 'SIGKILL');
    }, graceMs);
  }

  private signalGroup(t: ProcessTask, signal: NodeJS.Signals): string | undefined {
    if (t.pid === undefined) return undefined;
    // A re-attached group whose leader is gone (and reaped) may by now be someone else's: leave it.
    if (t.reattached && signal !== 'SIGKILL' && !isRunning(t.reattached)) return 'gone';
    try {
      return signalProcessGroup(t.pid, signal);
    } catch (e) {
      t.onError(e);
      return undefined;
    }
  }

  private killedBeforeLaunch(t: ProcessTask): void {
    this.forget(t);
    t.reporter.report('TASK_KILLED', {
      message: 'Task killed before it was launched',
      source: 'SOURCE_SLAVE',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
    });
  }

  private launchFailed(t: ProcessTask, error: unknown): void {
    if (t.reporter.isTerminal) return;
    clearTimeout(t.escalation);
    this.forget(t);
    t.reporter.report('TASK_FAILED', {
      message: `Failed to launch task: ${error instanceof Error ? error.message : String(error)}`,
      source: 'SOURCE_SLAVE',
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
    });
  }

  private forget(t: ProcessTask): void {
    if (this.tasks.get(t.spec.taskId) === t) this.tasks.delete(t.spec.taskId);
  }

  /** The account to switch to, or undefined to run as the agent's own user. */
  private async resolveUser(spec: TaskSpec): Promise<SystemUser | undefined> {
    if (spec.user === undefined || !this.switchUser || spec.user === currentUserName()) return undefined;
    if (process.getuid?.() !== 0)
      throw new Error(`cannot run as user '${spec.user}': the agent is not running as root`);
    const user = await lookupSystemUser(spec.user, this.passwdPath);
    if (!user) throw new Error(`user '${spec.user}' does not exist`);
    return user;
  }
}

function currentUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // the agent's uid has no passwd entry
  }
}

/**
 * Creates the sandbox's stdout and stderr files (kept if they exist: output is appended, as Mesos does across
 * executor restarts), owned by the task's user; returns their paths.
 */
async function createLogs(sandboxDir: string, user: SystemUser | undefined): Promise<string[]> {
  const paths = ['stdout', 'stderr'].map((name) => join(sandboxDir, name));
  for (const path of paths) {
    await (await open(path, 'a')).close();
    if (user) await chown(path, user.uid, user.gid);
  }
  return paths;
}
