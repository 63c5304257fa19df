/**
 * A runtime component run as a systemd-like unit: the component supplies `start`/`stop` (its UnitBehavior), the
 * unit keeps the state systemd would show for it, journals its transitions and applies `Restart=`.
 *
 * Operations (start, stop, restart, handling a reported exit, an automatic restart) run one at a time in call
 * order, so a component never sees `start` and `stop` overlap. Each start begins a *run* with its own context; a
 * report from an earlier run's context is ignored, so a component that fails late cannot take down its successor.
 *
 * When the component reports that it exited (or its start throws or times out) the unit still calls its `stop`,
 * as systemd kills what is left of a service's cgroup: a restart then never meets a half-released port or file.
 * `stop` must therefore tolerate a component that is only half started.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { PRIORITY, type Priority, type UnitJournal } from './unit-journal.ts';
import { assertUnitName } from './unit-name.ts';
import type { TimerProperties } from './unit-reader.ts';
import {
  type ActiveState,
  isInactiveOrFailed,
  type LoadState,
  type RestartPolicy,
  type SubState,
  type UnitStateChange,
} from './unit-state.ts';

/** What a component gets while it runs as a unit. */
export interface UnitContext {
  readonly unit: string;
  /** Aborted when this run is over (stopped, exited) or abandoned (its start or stop timed out). */
  readonly signal: AbortSignal;
  /** Writes a line to the unit's journal (default priority: info). */
  log(message: string, priority?: Priority): void;
  /** The component has failed with a non-zero exit status (1-255); the unit applies its restart policy. */
  fail(exitStatus: number, reason: string): void;
  /** The component's work is done (exit status 0): a RemainAfterExit unit stays active, others go inactive. */
  exit(): void;
}

export interface UnitBehavior {
  start(ctx: UnitContext): Promise<void>;
  stop(ctx: UnitContext): Promise<void>;
  /** The sub-state while active: `running` (a service), `waiting` (a timer between triggers). */
  readonly activeSubState?: 'running' | 'waiting';
  /** A timer's trigger times, as systemd's timer properties. */
  timerProperties?(): TimerProperties;
}


export interface UnitOptions {
  /** As DC/OS names it, e.g. `dcos-mesos-master.service`. */
  name: string;
  /** DC/OS's "Name: description" form, e.g. `Mesos Master: distributed systems kernel`. */
  description: string;
  /** Absent for a unit that is expected but not installed on this node: it is `not-found` and cannot start. */
  behavior?: UnitBehavior;
  /** This unit's journal (its `unit` must be this unit's name). */
  journal: UnitJournal;
  /** `Restart=`; systemd's default is `no`. */
  restart?: RestartPolicy;
  /** `RestartSec=` in ms; systemd's default is 100 ms. */
  restartSecMs?: number;
  /** `TimeoutStartSec=` in ms (Infinity: none); systemd's default is 90 s. */
  timeoutStartMs?: number;
  /** `TimeoutStopSec=` in ms (Infinity: none); systemd's default is 90 s. */
  timeoutStopMs?: number;
  /** `RemainAfterExit=`: a clean exit leaves the unit active/exited instead of inactive/dead. */
  remainAfterExit?: boolean;
  clock?: Clock;
}

/** A transition instant on both clocks. */
export interface UnitTimestamp {
  readonly monotonicUs: number;
  readonly wallMs: number;
}

/** The last time each boundary was crossed (null: never), as systemd's *Timestamp properties. */
export interface UnitTimestamps {
  readonly activeEnter: UnitTimestamp | null;
  readonly activeExit: UnitTimestamp | null;
  readonly inactiveEnter: UnitTimestamp | null;
  readonly inactiveExit: UnitTimestamp | null;
}

/** A start or stop that failed; the unit is `failed` by the time this is thrown. */
export class UnitError extends Error {
  constructor(
    readonly unit: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnitError';
  }
}

/** Exit status recorded when the component failed without reporting one (its start/stop threw or timed out). */
export const UNREPORTED_EXIT_STATUS = 1;
const DEFAULT_RESTART_SEC_MS = 100;
const DEFAULT_TIMEOUT_MS = 90_000;
/** setTimeout's limit; longer timeouts count as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const DESCRIPTION = /^[^:]+: \S/;

interface Exit {
  readonly status: number;
  readonly reason: string;
}

/** One start of the component, up to its stop or exit. */
interface Run {
  readonly behavior: UnitBehavior;
  readonly context: UnitContext;
  readonly abort: AbortController;
  phase: 'starting' | 'running' | 'stopping' | 'over';
  /** Set once the component reported its exit (or its start failed). */
  exit?: Exit;
}

type Outcome = { ok: true } | { ok: false; reason: string };

export interface UnitEvents {
  state: [UnitStateChange];
}

export class Unit extends EventEmitter<UnitEvents> {
  readonly name: string;
  readonly description: string;
  readonly loadState: LoadState;
  readonly restartPolicy: RestartPolicy;
  readonly restartSecMs: number;
  readonly timeoutStartMs: number;
  readonly timeoutStopMs: number;
  readonly remainAfterExit: boolean;
  private readonly behavior: UnitBehavior | undefined;
  /** Where this unit's lines go; readers reach it through the UnitReader. */
  readonly journal: UnitJournal;
  private readonly clock: Clock;

  private active: ActiveState = 'inactive';
  private sub: SubState = 'dead';
  private exitStatus: number | null = null;
  private restarts = 0;
  private stamps: { -readonly [K in keyof UnitTimestamps]: UnitTimestamp | null } = {
    activeEnter: null,
    activeExit: null,
    inactiveEnter: null,
    inactiveExit: null,
  };
  private stateChange: UnitTimestamp;
  private queue: Promise<void> = Promise.resolve();
  private run: Run | undefined;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(options: UnitOptions) {
    super();
    assertUnitName(options.name);
    if (!DESCRIPTION.test(options.description))
      throw new TypeError(`description of ${options.name} must read "Name: description", got '${options.description}'`);
    if (options.journal.unit !== options.name)
      throw new TypeError(`journal of ${options.journal.unit} given to unit ${options.name}`);
    this.name = options.name;
    this.description = options.description;
    this.behavior = options.behavior;
    this.loadState = options.behavior ? 'loaded' : 'not-found';
    this.journal = options.journal;
    this.restartPolicy = options.restart ?? 'no';
    this.restartSecMs = nonNegative('restartSecMs', options.restartSecMs ?? DEFAULT_RESTART_SEC_MS);
    if (this.restartSecMs > MAX_TIMER_MS) throw new RangeError(`restartSecMs must be at most ${MAX_TIMER_MS}`);
    this.timeoutStartMs = nonNegative('timeoutStartMs', options.timeoutStartMs ?? DEFAULT_TIMEOUT_MS);
    this.timeoutStopMs = nonNegative('timeoutStopMs', options.timeoutStopMs ?? DEFAULT_TIMEOUT_MS);
    this.remainAfterExit = options.remainAfterExit ?? false;
    this.clock = options.clock ?? systemTime;
    this.stateChange = this.now();
  }

  get activeState(): ActiveState {
    return this.active;
  }

  get subState(): SubState {
    return this.sub;
  }

  /** Exit status of the component's last exit; null before the first and while it runs. */
  get mainExitStatus(): number | null {
    return this.exitStatus;
  }

  /** A timer unit's trigger times; undefined for other units. */
  get timer(): TimerProperties | undefined {
    return this.behavior?.timerProperties?.();
  }

  /** Automatic restarts so far (NRestarts); explicit starts and restarts do not count. */
  get nRestarts(): number {
    return this.restarts;
  }

  get timestamps(): UnitTimestamps {
    return { ...this.stamps };
  }

  /** When the unit last changed state (systemd's StateChangeTimestamp, shown by `systemctl status` as "since"). */
  get stateChangeTimestamp(): UnitTimestamp {
    return this.stateChange;
  }

  /** Starts the unit; a no-op if it is active. Rejects with UnitError if the start fails (the unit is then failed). */
  start(): Promise<void> {
    return this.enqueue(() => this.startNow());
  }

  /**
   * Stops the unit and cancels a pending automatic restart; a failed unit just becomes inactive. Rejects with
   * UnitError if the component's stop throws or outlasts the timeout (the unit is then failed).
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = nonNegative('timeoutMs', options.timeoutMs ?? this.timeoutStopMs);
    return this.enqueue(() => this.stopNow(timeoutMs));
  }

  /** Stop (if running) then start, as one operation. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopNow(this.timeoutStopMs);
      await this.startNow();
    });
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async startNow(): Promise<void> {
    if (!this.behavior) throw new UnitError(this.name, `Unit ${this.name} not found.`);
    if (this.active === 'active') return;
    this.cancelRestart();
    const run = this.beginRun(this.behavior);
    this.exitStatus = null;
    this.setState('activating', 'start-pre');
    this.log(PRIORITY.info, `Starting ${this.description}...`);
    const started = await this.within(run, () => run.behavior.start(run.context), this.timeoutStartMs, 'start');
    // A failure the component reported while starting wins over the error its start then threw.
    if (!started.ok) run.exit ??= { status: UNREPORTED_EXIT_STATUS, reason: started.reason };
    if (run.exit && run.exit.status !== 0) {
      const reason = run.exit.reason;
      await this.settle(run, run.exit);
      throw new UnitError(this.name, `Job for ${this.name} failed: ${reason}`);
    }
    run.phase = 'running';
    this.setState('active', run.behavior.activeSubState ?? 'running');
    this.log(PRIORITY.info, `Started ${this.description}.`);
    if (run.exit) await this.settle(run, run.exit); // it finished its work while starting
  }

  private async stopNow(timeoutMs: number): Promise<void> {
    this.cancelRestart();
    if (this.active === 'failed' || this.sub === 'auto-restart') {
      this.setState('inactive', 'dead');
      return;
    }
    const run = this.run;
    if (this.active !== 'active' || !run) return;
    run.phase = 'stopping';
    this.setState('deactivating', 'stop-sigterm');
    this.log(PRIORITY.info, `Stopping ${this.description}...`);
    const stopped = await this.within(run, () => run.behavior.stop(run.context), timeoutMs, 'stop');
    this.endRun(run);
    if (!stopped.ok) {
      this.exitStatus = UNREPORTED_EXIT_STATUS;
      this.log(PRIORITY.err, `${this.name} failed with exit status ${UNREPORTED_EXIT_STATUS}: ${stopped.reason}`);
      this.setState('failed', 'failed');
      throw new UnitError(this.name, `Job for ${this.name} failed: ${stopped.reason}`);
    }
    this.exitStatus ??= 0;
    this.setState('inactive', 'dead');
    this.log(PRIORITY.info, `Stopped ${this.description}.`);
  }

  /** The component's main work ended with `exit`: clean up after it, then apply RemainAfterExit and Restart=. */
  private async settle(run: Run, exit: Exit): Promise<void> {
    this.exitStatus = exit.status;
    const failed = exit.status !== 0;
    if (!failed && this.remainAfterExit) {
      this.setState('active', 'exited');
      return;
    }
    if (failed) this.log(PRIORITY.err, `${this.name} failed with exit status ${exit.status}: ${exit.reason}`);
    else this.log(PRIORITY.info, `${this.name}: Deactivated successfully.`);
    run.phase = 'stopping';
    this.setState('deactivating', 'stop-sigterm');
    const cleaned = await this.within(run, () => run.behavior.stop(run.context), this.timeoutStopMs, 'stop');
    if (!cleaned.ok) this.log(PRIORITY.warning, `${this.name}: stopping what was left after the exit failed: ${cleaned.reason}`);
    this.endRun(run);
    if (failed) this.setState('failed', 'failed');
    else this.setState('inactive', 'dead');
    if (failed ? this.restartPolicy !== 'no' : this.restartPolicy === 'always') this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.setState('activating', 'auto-restart');
    // Not unref'd: a pending restart is work the process still owes; stop() cancels it.
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      // A failed restart is journalled and handled by the restart policy again; nobody awaits this one.
      this.enqueue(() => this.autoRestart()).catch(() => undefined);
    }, this.restartSecMs);
  }

  private async autoRestart(): Promise<void> {
    // An explicit start or stop queued before this one has already moved the unit on.
    if (this.sub !== 'auto-restart') return;
    this.restarts++;
    this.log(PRIORITY.notice, `${this.name}: Scheduled restart job, restart counter is at ${this.restarts}.`);
    await this.startNow();
  }

  private cancelRestart(): void {
    if (this.restartTimer === undefined) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private beginRun(behavior: UnitBehavior): Run {
    const abort = new AbortController();
    const run: Run = {
      behavior,
      abort,
      phase: 'starting',
      context: {
        unit: this.name,
        signal: abort.signal,
        log: (message, priority = PRIORITY.info) => void this.journal.append(priority, message),
        fail: (exitStatus, reason) => {
          if (!Number.isInteger(exitStatus) || exitStatus < 1 || exitStatus > 255)
            throw new RangeError(`exit status of a failure must be 1-255, got ${exitStatus} (use exit() for success)`);
          this.reportExit(run, { status: exitStatus, reason });
        },
        exit: () => this.reportExit(run, { status: 0, reason: 'exited' }),
      },
    };
    this.run = run;
    return run;
  }

  private reportExit(run: Run, exit: Exit): void {
    // Stale (an earlier run), repeated, or during a stop, which ends the run anyway.
    if (run !== this.run || run.exit || run.phase === 'stopping' || run.phase === 'over') return;
    run.exit = exit;
    // While starting, startNow settles it when the start returns.
    if (run.phase === 'running')
      this.enqueue(async () => {
        if (run === this.run && run.phase === 'running') await this.settle(run, exit);
      }).catch(() => undefined);
  }

  private endRun(run: Run): void {
    run.phase = 'over';
    run.abort.abort();
  }

  /** Runs a component's start or stop, turning a throw or a timeout into an outcome. */
  private async within(run: Run, action: () => Promise<void>, timeoutMs: number, what: string): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (timeoutMs <= MAX_TIMER_MS) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const done = Promise.resolve().then(action);
      if ((await Promise.race([done, timedOut])) === 'timeout') {
        run.abort.abort(); // the component may still be working; tell it to give up
        return { ok: false, reason: `${what} operation timed out after ${timeoutMs} ms` };
      }
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  private setState(activeState: ActiveState, subState: SubState): void {
    const from = { activeState: this.active, subState: this.sub };
    if (from.activeState === activeState && from.subState === subState) return;
    const at = this.now();
    const wasDown = isInactiveOrFailed(from.activeState);
    const isDown = isInactiveOrFailed(activeState);
    if (wasDown && !isDown) this.stamps.inactiveExit = at;
    if (!wasDown && isDown) this.stamps.inactiveEnter = at;
    if (from.activeState !== 'active' && activeState === 'active') this.stamps.activeEnter = at;
    if (from.activeState === 'active' && activeState !== 'active') this.stamps.activeExit = at;
    this.active = activeState;
    this.sub = subState;
    this.stateChange = at;
    const change: UnitStateChange = { unit: this.name, from, to: { activeState, subState }, at: new Date(at.wallMs).toISOString() };
    try {
      this.emit('state', change);
    } catch (err) {
      // A throwing observer must not leave the unit half-way through a transition; surface it as uncaught instead.
      process.nextTick(() => {
        throw err;
      });
    }
  }

  /** Journals a transition; a journal that cannot be written must not stop the unit from changing state. */
  private log(priority: Priority, message: string): void {
    try {
      this.journal.append(priority, message);
    } catch (err) {
      process.emitWarning(`cannot write the journal of ${this.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private now(): UnitTimestamp {
    // systemd stamps whole microseconds of CLOCK_MONOTONIC, the clock behind systemTime.now().
    return { monotonicUs: Math.round(this.clock.now() * 1000), wallMs: this.clock.wallMs() };
  }
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`${name} must be a non-negative number of ms, got ${value}`);
  return value;
}
