/**
 * An executor without processes, for scale runs and benchmarks: tasks walk the same state machine and report the
 * same statuses as under ProcessExecutor, on timers that a simulation can drive.
 */
import { logTaskError, type Executor, type ExecutorOptions } from './executor.ts';
import type { TaskSpec } from './task-spec.ts';
import { describeExit } from './exit-description.ts';
import type { TaskStatusListener } from '../mesos/task-status.ts';
import type { TaskStatusReporter } from './task-status-reporter.ts';
import { acceptLaunch } from './launch-request.ts';
import type { Timers } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';

/** How a simulated task behaves. */
export interface SimulatedTaskPlan {
  /** STARTING → RUNNING delay; 0 (default) reports both at once. */
  startDelayMs?: number;
  /** Exit this long after RUNNING; by default the task runs until killed. */
  finishAfterMs?: number;
  /** Exit code at finishAfterMs: 0 (default) → TASK_FINISHED, otherwise TASK_FAILED. */
  exitCode?: number;
}

export interface SimulatedExecutorOptions extends ExecutorOptions, SimulatedTaskPlan {
  /** What the simulated tasks' delays run on; a ManualClock runs them on simulated time. Default systemTime. */
  timers?: Timers;
  /** Per-task overrides of the plan above. */
  planFor?: (task: TaskSpec) => SimulatedTaskPlan;
}

interface SimulatedTask {
  readonly reporter: TaskStatusReporter;
  timer?: unknown;
}

export class SimulatedExecutor implements Executor {
  private readonly tasks = new Map<string, SimulatedTask>();
  private shuttingDown = false;
  private readonly now: () => number;
  private readonly onError: (error: unknown, taskId: string) => void;
  private readonly timers: Timers;

  constructor(private readonly options: SimulatedExecutorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? logTaskError(options.log);
    this.timers = options.timers ?? systemTime;
  }

  /** Number of live (non-terminal) tasks. */
  get size(): number {
    return this.tasks.size;
  }

  launch(task: TaskSpec, onStatus: TaskStatusListener): void {
    const accepted = acceptLaunch(task, onStatus, {
      now: this.now,
      onError: this.onError,
      isLive: (id) => this.tasks.has(id),
    });
    if (!accepted) return;
    const { taskId, reporter } = accepted;
    if (this.shuttingDown) {
      reporter.report('TASK_DROPPED', { message: 'Executor is shutting down', source: 'SOURCE_SLAVE' });
      return;
    }
    const plan = { ...this.options, ...this.options.planFor?.(task) };
    const t: SimulatedTask = { reporter };
    this.tasks.set(taskId, t);
    reporter.report('TASK_STARTING', { source: 'SOURCE_EXECUTOR' });
    const run = () => {
      reporter.report('TASK_RUNNING', { source: 'SOURCE_EXECUTOR' });
      if (plan.finishAfterMs !== undefined)
        t.timer = this.timers.setTimeout(() => this.exit(taskId, t, plan.exitCode ?? 0), plan.finishAfterMs);
    };
    if (plan.startDelayMs) t.timer = this.timers.setTimeout(run, plan.startDelayMs);
    else run();
  }

  /** Killing is immediate: the simulated process honours SIGTERM, so the grace period never runs out. */
  kill(taskId: string, _gracePeriodMs?: number): Promise<boolean> {
    const t = this.tasks.get(taskId);
    if (!t) return Promise.resolve(false);
    this.timers.clearTimeout(t.timer);
    this.tasks.delete(taskId);
    const wasRunning = t.reporter.state === 'TASK_RUNNING';
    t.reporter.report('TASK_KILLING', { source: 'SOURCE_EXECUTOR' });
    if (wasRunning)
      t.reporter.report('TASK_KILLED', { message: `Command ${describeExit(null, 'SIGTERM')}`, source: 'SOURCE_EXECUTOR' });
    else
      t.reporter.report('TASK_KILLED', {
        message: 'Task killed before it was launched',
        source: 'SOURCE_SLAVE',
        reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
      });
    return t.reporter.done.then(() => true);
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.tasks.keys()].map((id) => this.kill(id)));
  }

  private exit(taskId: string, t: SimulatedTask, code: number): void {
    this.tasks.delete(taskId);
    const message = `Command ${describeExit(code, null)}`;
    if (code === 0) t.reporter.report('TASK_FINISHED', { message, source: 'SOURCE_EXECUTOR' });
    else
      t.reporter.report('TASK_FAILED', { message, source: 'SOURCE_EXECUTOR', reason: 'REASON_COMMAND_EXECUTOR_FAILED' });
  }
}
