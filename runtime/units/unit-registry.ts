/**
 * The units of one node, as systemd holds a machine's units: diagnostics reads unit health from here the way
 * dcos-diagnostics reads systemd. Observers subscribe to `unit-state` rather than polling.
 *
 * Units start in the order they were added (dependencies first) and stop in reverse, so a component is never left
 * running without the ones it was started after.
 */
import { EventEmitter } from 'node:events';
import type { Unit } from './unit.ts';
import { unitSnapshot, type UnitSnapshot } from './unit-snapshot.ts';
import type { UnitStateChange } from './unit-state.ts';
import type { UnitReader } from './unit-reader.ts';
import { unitRegistryReader } from './unit-registry-reader.ts';

export interface UnitRegistryEvents {
  'unit-state': [UnitStateChange];
}

export interface StopAllOptions {
  /** Per-unit stop timeout in ms, overriding each unit's own TimeoutStopSec. */
  timeoutMs?: number;
}

export class UnitRegistry extends EventEmitter<UnitRegistryEvents> {
  /** Map order is insertion order, which is start order. */
  private readonly units = new Map<string, Unit>();
  private readOnly: UnitReader | undefined;
  private readonly forward = (change: UnitStateChange): void => {
    this.emit('unit-state', change);
  };

  add(unit: Unit): Unit {
    if (this.units.has(unit.name)) throw new Error(`unit ${unit.name} is already registered`);
    this.units.set(unit.name, unit);
    unit.on('state', this.forward);
    return unit;
  }

  get(name: string): Unit | undefined {
    return this.units.get(name);
  }

  /** All units, sorted by name (as `systemctl list-units` shows them). */
  list(): Unit[] {
    return [...this.units.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Starts every unit, one after another in insertion order. A failed start does not stop the others (the failed
   * unit's restart policy takes over); the failures are thrown together afterwards as an AggregateError.
   */
  async startAll(): Promise<void> {
    await settleEach([...this.units.values()], (u) => u.start(), 'start');
  }

  /** Stops every unit in reverse insertion order, each bounded by a timeout; failures are thrown together after. */
  async stopAll(options: StopAllOptions = {}): Promise<void> {
    const stopOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    await settleEach([...this.units.values()].reverse(), (u) => u.stop(stopOptions), 'stop');
  }

  /** All units in the order they start (the order they were added). */
  inStartOrder(): Unit[] {
    return [...this.units.values()];
  }

  /** The read-only view observers (diagnostics, bundles, logrotate) are given instead of the registry. */
  reader(): UnitReader {
    return (this.readOnly ??= unitRegistryReader(this));
  }

  snapshot(): UnitSnapshot[] {
    return this.list().map(unitSnapshot);
  }
}

async function settleEach(units: Unit[], operation: (u: Unit) => Promise<void>, what: string): Promise<void> {
  const errors: unknown[] = [];
  for (const unit of units) {
    try {
      await operation(unit);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} unit(s) failed to ${what}`);
}
