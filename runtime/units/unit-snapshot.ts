/**
 * A unit as plain JSON, with the fields dcos-diagnostics reads from systemd's D-Bus properties (Id, Description,
 * LoadState, ActiveState, SubState, ExecMainStatus, NRestarts, the *TimestampMonotonic quartet).
 */
import type { Unit } from './unit.ts';
import type { ActiveState, LoadState, SubState } from './unit-state.ts';
import type { UnitProperties } from './unit-reader.ts';

export interface UnitSnapshot {
  id: string;
  /** The full "Name: description" text. */
  name: string;
  load_state: LoadState;
  active_state: ActiveState;
  sub_state: SubState;
  main_status: number | null;
  n_restarts: number;
  /** Microseconds on the unit's monotonic clock; 0 when never, as systemd reports it. */
  active_enter_ts_monotonic_us: number;
  active_exit_ts_monotonic_us: number;
  inactive_enter_ts_monotonic_us: number;
  inactive_exit_ts_monotonic_us: number;
  /** Wall-clock time of the last state change, ISO 8601. */
  since: string;
  /** A timer's `systemctl list-timers` columns: what it activates, its next and last trigger (ISO 8601, null: none). */
  timer?: { activates: string; next: string | null; last: string | null };
}

/** The unit's systemd properties, as the UnitReader hands them out. */
export function unitProperties(unit: Unit): UnitProperties {
  const ts = unit.timestamps;
  return {
    Id: unit.name,
    Description: unit.description,
    LoadState: unit.loadState,
    ActiveState: unit.activeState,
    SubState: unit.subState,
    ExecMainStatus: unit.mainExitStatus,
    NRestarts: unit.nRestarts,
    ActiveEnterTimestamp: ts.activeEnter?.wallMs ?? 0,
    ActiveExitTimestamp: ts.activeExit?.wallMs ?? 0,
    InactiveEnterTimestamp: ts.inactiveEnter?.wallMs ?? 0,
    InactiveExitTimestamp: ts.inactiveExit?.wallMs ?? 0,
    StateChangeTimestamp: unit.stateChangeTimestamp.wallMs,
    ActiveEnterTimestampMonotonic: ts.activeEnter?.monotonicUs ?? 0,
    ActiveExitTimestampMonotonic: ts.activeExit?.monotonicUs ?? 0,
    InactiveEnterTimestampMonotonic: ts.inactiveEnter?.monotonicUs ?? 0,
    InactiveExitTimestampMonotonic: ts.inactiveExit?.monotonicUs ?? 0,
    ...(unit.timer ? { Timer: unit.timer } : {}),
  };
}

/** The same properties with dcos-diagnostics' JSON names. */
export function unitSnapshot(unit: Unit): UnitSnapshot {
  const p = unitProperties(unit);
  return {
    id: p.Id,
    name: p.Description,
    // From the unit itself: the reader's states are systemd's whole vocabulary, a registry unit's a subset of it.
    load_state: unit.loadState,
    active_state: unit.activeState,
    sub_state: unit.subState,
    main_status: p.ExecMainStatus,
    n_restarts: p.NRestarts,
    active_enter_ts_monotonic_us: p.ActiveEnterTimestampMonotonic,
    active_exit_ts_monotonic_us: p.ActiveExitTimestampMonotonic,
    inactive_enter_ts_monotonic_us: p.InactiveEnterTimestampMonotonic,
    inactive_exit_ts_monotonic_us: p.InactiveExitTimestampMonotonic,
    since: new Date(p.StateChangeTimestamp).toISOString(),
    ...(p.Timer ? { timer: { activates: p.Timer.Unit, next: isoOrNull(p.Timer.NextElapseRealtime), last: isoOrNull(p.Timer.LastTrigger) } } : {}),
  };
}

function isoOrNull(ms: number): string | null {
  return ms === 0 ? null : new Date(ms).toISOString();
}
