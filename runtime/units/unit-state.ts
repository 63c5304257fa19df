/**
 * systemd's unit state vocabulary, limited to the states minidc units go through (active/sub):
 *
 *   inactive/dead ─start→ activating/start-pre ─→ active/running ─stop→ deactivating/stop-sigterm ─→ inactive/dead
 *   component exits or its start fails      ─→ deactivating/stop-sigterm ─→ failed/failed (non-zero) or inactive/dead
 *   then, if Restart= applies               ─→ activating/auto-restart ─RestartSec→ activating/start-pre ─→ …
 *   a clean exit with RemainAfterExit=      ─→ active/exited
 *   a timer, once started                   ─→ active/waiting (for its next trigger)
 */
export type LoadState = 'loaded' | 'not-found';
export type ActiveState = 'active' | 'activating' | 'deactivating' | 'inactive' | 'failed';
export type SubState = 'running' | 'waiting' | 'start-pre' | 'stop-sigterm' | 'dead' | 'failed' | 'auto-restart' | 'exited';
/** systemd's `Restart=`: `on-failure` restarts after a non-zero exit, `always` after any exit of the component. */
export type RestartPolicy = 'always' | 'on-failure' | 'no';

export interface UnitActivity {
  readonly activeState: ActiveState;
  readonly subState: SubState;
}

/** Payload of a unit's `state` event and of the registry's `unit-state` event. */
export interface UnitStateChange {
  readonly unit: string;
  readonly from: UnitActivity;
  readonly to: UnitActivity;
  /** Wall-clock time of the change, ISO 8601. */
  readonly at: string;
}

/** systemd's UNIT_IS_INACTIVE_OR_FAILED: leaving or entering this group is what stamps InactiveExit/InactiveEnter. */
export function isInactiveOrFailed(state: ActiveState): boolean {
  return state === 'inactive' || state === 'failed';
}
