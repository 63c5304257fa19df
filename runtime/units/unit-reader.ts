/**
 * The read-only face of a node's units: what diagnostics, bundles and logrotate may see, and all they may see.
 * In the spirit of dcos-diagnostics' DCOSHelper: on a minidc node the UnitRegistry answers it; on a real DC/OS node
 * the same reads come from systemd (D-Bus properties, journalctl), so an observer written against this interface
 * runs on either. Property names and meanings are systemd's; timestamps are wall-clock ms since the epoch, 0 when
 * the boundary was never crossed (as systemd reports an unset timestamp).
 *
 * This module is self-contained (types only) because it is the one runtime module observers are allowed to import.
 */

// systemd's vocabulary, so a systemd backend reports what systemd says; minidc's registry uses a subset (loaded or
// not-found; active, activating, deactivating, inactive, failed; and seven sub-states).
export type UnitLoadState = 'loaded' | 'not-found' | 'stub' | 'bad-setting' | 'error' | 'merged' | 'masked';
export type UnitActiveState = 'active' | 'reloading' | 'activating' | 'deactivating' | 'inactive' | 'failed' | 'maintenance' | 'refreshing';
/** Per unit type and systemd version (service: running, exited, auto-restart…; socket: listening; timer: waiting). */
export type UnitSubState = string;

/** syslog priority: 0 emerg … 3 err, 4 warning, 5 notice, 6 info, 7 debug. */
export type JournalPriority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The systemd properties dcos-diagnostics reads for a unit's health. */
export interface UnitProperties {
  readonly Id: string;
  /** DC/OS's "Name: description" text. */
  readonly Description: string;
  readonly LoadState: UnitLoadState;
  readonly ActiveState: UnitActiveState;
  readonly SubState: UnitSubState;
  /** Exit status of the main process's last exit (ExecMainStatus); null before the first exit and while it runs. */
  readonly ExecMainStatus: number | null;
  /** Automatic restarts so far. */
  readonly NRestarts: number;
  readonly ActiveEnterTimestamp: number;
  readonly ActiveExitTimestamp: number;
  readonly InactiveEnterTimestamp: number;
  readonly InactiveExitTimestamp: number;
  readonly StateChangeTimestamp: number;
  /** The same boundaries in µs on the monotonic clock (immune to clock steps; for durations and ordering). */
  readonly ActiveEnterTimestampMonotonic: number;
  readonly ActiveExitTimestampMonotonic: number;
  readonly InactiveEnterTimestampMonotonic: number;
  readonly InactiveExitTimestampMonotonic: number;
  /** Only on a timer unit. */
  readonly Timer?: TimerProperties;
}

/**
 * A timer's systemd properties (`Unit=`, NextElapseUSecRealtime, LastTriggerUSec), as `systemctl list-timers`
 * shows them; times in wall-clock ms, 0 when none (not scheduled, never triggered).
 */
export interface TimerProperties {
  readonly Unit: string;
  readonly NextElapseRealtime: number;
  readonly LastTrigger: number;
}

export interface UnitJournalRecord {
  readonly priority: JournalPriority;
  /** Wall-clock ms since the epoch. */
  readonly timestamp: number;
  readonly message: string;
}

export interface UnitJournalQuery {
  /** Only entries at or after this wall-clock time, ms (journalctl --since). */
  since?: number;
  /** Only the last this many of the matching entries (journalctl -n). */
  tail?: number;
}

export interface UnitJournalExcerpt {
  /** The journal's file, for bundles and logrotate. */
  readonly path: string;
  /** Oldest first. */
  readonly entries: readonly UnitJournalRecord[];
}

export interface UnitStateEvent {
  readonly unit: string;
  readonly from: { readonly activeState: UnitActiveState; readonly subState: UnitSubState };
  readonly to: { readonly activeState: UnitActiveState; readonly subState: UnitSubState };
  /** Wall-clock ms of the change. */
  readonly at: number;
}

export type UnitStateListener = (event: UnitStateEvent) => void;

export interface UnitReader {
  /** Every unit on the node, sorted by name (`systemctl list-units`). */
  unitNames(): string[];
  /** undefined for a unit this node does not have. */
  properties(unit: string): UnitProperties | undefined;
  /** Rejects with an Error naming the unit if the node does not have it. */
  readJournal(unit: string, query?: UnitJournalQuery): Promise<UnitJournalExcerpt>;
  /**
   * The entries at or after `since`, oldest first, in batches, streamed rather than held (a bundle reads a whole day
   * of every unit). Throws an Error naming the unit if the node does not have it.
   */
  streamJournal?(unit: string, query?: Pick<UnitJournalQuery, 'since'>): AsyncIterable<readonly UnitJournalRecord[]>;
  /** Every state change of any unit on the node, from now on. */
  subscribe(listener: UnitStateListener): void;
  unsubscribe(listener: UnitStateListener): void;
}
