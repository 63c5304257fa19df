/**
 * A unit as plain JSON, with the fields dcos-diagnostics reads from systemd's D-Bus properties (Id, Description,
 * LoadState, ActiveState, SubState, ExecMainStatus, NRestarts, the *TimestampMonotonic quartet).
 */
import type { Unit } from './unit.ts';
import type { ActiveState, LoadState, SubState } from './unit-state.ts';

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
}

export function unitSnapshot(unit: Unit): UnitSnapshot {
  const ts = unit.timestamps;
  return {
    id: unit.name,
    name: unit.description,
    load_state: unit.loadState,
    active_state: unit.activeState,
    sub_state: unit.subState,
    main_status: unit.mainExitStatus,
    n_restarts: unit.nRestarts,
    active_enter_ts_monotonic_us: ts.activeEnter?.monotonicUs ?? 0,
    active_exit_ts_monotonic_us: ts.activeExit?.monotonicUs ?? 0,
    inactive_enter_ts_monotonic_us: ts.inactiveEnter?.monotonicUs ?? 0,
    inactive_exit_ts_monotonic_us: ts.inactiveExit?.monotonicUs ?? 0,
    since: new Date(unit.stateChangeTimestamp.wallMs).toISOString(),
  };
}
