// Shared pieces for the unit tests: a temp data dir, a clock the test moves, a scriptable component.
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../runtime/time/clock.ts';
import { UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { Unit, type UnitBehavior, type UnitContext, type UnitOptions } from '../../../runtime/units/unit.ts';
import type { UnitStateChange } from '../../../runtime/units/unit-state.ts';

/** Guards every test against hanging on an event that never comes; no test asserts on time. */
export const NO_HANG = { timeout: 10_000 };

export function tempDataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-units-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A component that records what the unit asks of it. `onStart`/`onStop` script each call (the n-th start gets
 * n = 1, 2, …); by default both succeed at once.
 */
export class FakeComponent implements UnitBehavior {
  readonly calls: string[] = [];
  readonly contexts: UnitContext[] = [];
  /** Calls in progress, to catch overlapping start/stop. */
  inFlight = 0;
  maxInFlight = 0;
  onStart: (ctx: UnitContext, n: number) => Promise<void> | void = () => undefined;
  onStop: (ctx: UnitContext, n: number) => Promise<void> | void = () => undefined;
  private starts = 0;
  private stops = 0;

  async start(ctx: UnitContext): Promise<void> {
    this.contexts.push(ctx);
    await this.track(`start`, () => this.onStart(ctx, ++this.starts));
  }

  async stop(ctx: UnitContext): Promise<void> {
    await this.track(`stop`, () => this.onStop(ctx, ++this.stops));
  }

  get lastContext(): UnitContext {
    const ctx = this.contexts[this.contexts.length - 1];
    if (!ctx) throw new Error('never started');
    return ctx;
  }

  private async track(name: string, body: () => Promise<void> | void): Promise<void> {
    this.calls.push(name);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await body();
    } finally {
      this.inFlight--;
    }
  }
}

export interface TestUnit {
  unit: Unit;
  journal: UnitJournal;
  component: FakeComponent;
}

export function makeUnit(
  dataDir: string,
  options: Partial<Omit<UnitOptions, 'journal'>> & { clock?: Clock } = {},
): TestUnit {
  const name = options.name ?? 'dcos-mesos-master.service';
  const journal = new UnitJournal({ dataDir, unit: name, ...(options.clock ? { clock: options.clock } : {}) });
  const component = new FakeComponent();
  const unit = new Unit({
    description: 'Mesos Master: distributed systems kernel',
    behavior: component,
    ...options,
    name,
    journal,
  });
  return { unit, journal, component };
}

/** Records every state change of an emitter as `active/sub` strings. */
export function recordStates(source: { on(event: 'state', l: (c: UnitStateChange) => void): unknown }): string[] {
  const seen: string[] = [];
  source.on('state', (c) => seen.push(`${c.to.activeState}/${c.to.subState}`));
  return seen;
}

/** Resolves with the first `state` change (from now on) that satisfies `predicate`. */
export function nextState(unit: Unit, predicate: (c: UnitStateChange) => boolean): Promise<UnitStateChange> {
  return new Promise((resolve) => {
    const listener = (c: UnitStateChange): void => {
      if (!predicate(c)) return;
      unit.off('state', listener);
      resolve(c);
    };
    unit.on('state', listener);
  });
}

export const reaches =
  (activeState: string, subState: string) =>
  (c: UnitStateChange): boolean =>
    c.to.activeState === activeState && c.to.subState === subState;

export async function journalMessages(journal: UnitJournal): Promise<string[]> {
  return (await journal.read()).map((e) => e.message);
}
