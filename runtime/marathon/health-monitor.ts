/**
 * Runs an app's Marathon-level health checks against each of its running tasks, every intervalSeconds, and keeps
 * Marathon's per-check result (alive, consecutive failures, first/last success, last failure and its cause).
 *
 * Failures inside gracePeriodSeconds of the task's start are ignored until the check has passed once; after that
 * every failure counts, and maxConsecutiveFailures in a row (0: never) hands the task to `onUnhealthy` to be killed.
 */
import type { Timers } from '../time/clock.ts';
import { healthCheckKind, type HealthCheck } from './health-checks.ts';
import { runProbe, type Probe, type ProbeResult } from './health-probes.ts';
import { endSpan, startSpan } from '../telemetry/tracer.ts';

export interface HealthCheckResult {
  alive: boolean;
  consecutiveFailures: number;
  /** Epoch ms on Marathon's clock. */
  firstSuccess?: number;
  lastSuccess?: number;
  lastFailure?: number;
  lastFailureCause?: string;
}

/** Where a task can be reached and what a COMMAND check runs with. */
export interface HealthTarget {
  readonly host: string;
  readonly ports: readonly number[];
  readonly env: Readonly<Record<string, string>>;
}

export interface HealthMonitorOptions {
  timers: Timers;
  now: () => number;
  probe?: Probe;
  /** Working directory for COMMAND checks. */
  commandCwd: () => string | undefined;
  /** The task failed maxConsecutiveFailures checks in a row. */
  onUnhealthy: (taskId: string, cause: string) => void;
  /** A check's verdict changed (first result, or alive flipped). */
  onChange: (taskId: string) => void;
}

interface WatchedCheck {
  readonly check: HealthCheck;
  timer?: unknown;
  inFlight: boolean;
  result?: HealthCheckResult;
}

interface WatchedTask {
  readonly taskId: string;
  readonly target: HealthTarget;
  readonly startedAt: number;
  readonly checks: WatchedCheck[];
}

export class HealthMonitor {
  private readonly watched = new Map<string, WatchedTask>();
  private readonly probe: Probe;

  constructor(private readonly options: HealthMonitorOptions) {
    this.probe = options.probe ?? runProbe;
  }

  /** Starts checking a running task; a no-op for an app without checks or a task already watched. */
  watch(taskId: string, checks: readonly HealthCheck[], target: HealthTarget, startedAt: number): void {
    if (checks.length === 0 || this.watched.has(taskId)) return;
    const task: WatchedTask = { taskId, target, startedAt, checks: checks.map((check) => ({ check, inFlight: false })) };
    this.watched.set(taskId, task);
    for (const c of task.checks) this.schedule(task, c);
  }

  unwatch(taskId: string): void {
    const task = this.watched.get(taskId);
    if (!task) return;
    this.watched.delete(taskId);
    for (const c of task.checks) if (c.timer !== undefined) this.options.timers.clearTimeout(c.timer);
  }

  stopAll(): void {
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }

  /** Results of the checks that have reported at least once, in check order. */
  results(taskId: string): HealthCheckResult[] {
    const task = this.watched.get(taskId);
    if (!task) return [];
    return task.checks.flatMap((c) => (c.result ? [{ ...c.result }] : []));
  }

  /** True when every check has passed its latest probe. */
  isHealthy(taskId: string): boolean {
    const task = this.watched.get(taskId);
    return task !== undefined && task.checks.every((c) => c.result?.alive === true);
  }

  /** True when some check's latest verdict is a failure. */
  isUnhealthy(taskId: string): boolean {
    return this.watched.get(taskId)?.checks.some((c) => c.result !== undefined && !c.result.alive) ?? false;
  }

  private schedule(task: WatchedTask, c: WatchedCheck): void {
    // Fixed rate: the next probe is due one interval after this one was due, whatever this one takes.
    c.timer = this.options.timers.setTimeout(() => {
      if (this.watched.get(task.taskId) !== task) return;
      this.schedule(task, c);
      if (!c.inFlight) void this.runCheck(task, c);
    }, Math.max(1, c.check.intervalSeconds * 1000));
  }

  private async runCheck(task: WatchedTask, c: WatchedCheck): Promise<void> {
    const { check } = c;
    const kind = healthCheckKind(check.protocol);
    const port = check.port ?? (check.portIndex === undefined ? undefined : task.target.ports[check.portIndex]);
    // A timeout of 0 would fail every probe; it can only mean "no more than the interval".
    const timeoutMs = (check.timeoutSeconds > 0 ? check.timeoutSeconds : check.intervalSeconds) * 1000;
    const cwd = this.options.commandCwd();
    c.inFlight = true;
    const span = startSpan('marathon.health_check', { 'marathon.task.id': task.taskId, 'marathon.health_check.protocol': check.protocol });
    let result: ProbeResult;
    try {
      result = await this.probe(
        {
          kind,
          host: task.target.host,
          ...(port === undefined ? {} : { port }),
          ...(check.path === undefined ? {} : { path: check.path }),
          ...(check.command === undefined ? {} : { command: check.command.value }),
          env: task.target.env,
          ...(cwd === undefined ? {} : { cwd }),
          timeoutMs,
        },
        this.options.timers,
      );
    } catch (err) {
      result = { healthy: false, cause: err instanceof Error ? err.message : String(err) };
    } finally {
      c.inFlight = false;
    }
    endSpan(span, { 'marathon.health_check.healthy': result.healthy }, result.healthy ? undefined : result.cause);
    if (this.watched.get(task.taskId) !== task) return;
    const now = this.options.now();
    const before = c.result?.alive;
    if (result.healthy) {
      c.result = {
        ...c.result,
        alive: true,
        consecutiveFailures: 0,
        firstSuccess: c.result?.firstSuccess ?? now,
        lastSuccess: now,
      };
      if (before !== true) this.options.onChange(task.taskId);
      return;
    }
    const inGrace = now - task.startedAt < check.gracePeriodSeconds * 1000 && c.result?.firstSuccess === undefined;
    if (inGrace) return;
    const failures = (c.result?.consecutiveFailures ?? 0) + 1;
    c.result = { ...c.result, alive: false, consecutiveFailures: failures, lastFailure: now, lastFailureCause: result.cause };
    if (before !== false) this.options.onChange(task.taskId);
    if (check.maxConsecutiveFailures > 0 && failures >= check.maxConsecutiveFailures) {
      this.unwatch(task.taskId);
      this.options.onUnhealthy(task.taskId, result.cause);
    }
  }
}
