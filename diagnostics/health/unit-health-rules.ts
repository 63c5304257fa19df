/**
 * dcos-diagnostics' unit health rules as shipped (CheckUnitHealth, checked in this order, with its output texts),
 * as a pure function of a unit's systemd properties. One deliberate difference, as issue 10 asks: an `inactive`
 * unit is unhealthy unless a timer triggers it (a stopped service is a broken node; the shipped rule called it
 * healthy, COPS-6514), while an inactive timer-triggered service whose last run exited 0 stays healthy.
 */
import type { UnitProperties } from '../../runtime/units/unit-reader.ts';
import { HEALTHY, UNHEALTHY } from './health-codes.ts';

export interface UnitVerdict {
  readonly health: typeof HEALTHY | typeof UNHEALTHY;
  /** The rule's text; '' when healthy. */
  readonly output: string;
}

const POSSIBLE_ACTIVE_STATES = ['active', 'inactive', 'activating'];

/**
 * The verdict for one unit; undefined when systemd reported no state at all (dcos-diagnostics drops such a unit).
 * `timerTriggered`: a `.timer` unit starts this one (systemd: TriggeredBy).
 */
export function checkUnitHealth(p: UnitProperties, timerTriggered: boolean): UnitVerdict | undefined {
  if (!p.LoadState || !p.ActiveState || !p.SubState) return undefined;
  const id = p.Id;
  if (p.LoadState !== 'loaded')
    return unhealthy(`${id} is not loaded. Please check \`systemctl show all\` to check current Unit status.`);
  if (!POSSIBLE_ACTIVE_STATES.includes(p.ActiveState))
    return unhealthy(
      `${id} state is not one of the possible states [${POSSIBLE_ACTIVE_STATES.join(' ')}]. Current state is [ ${p.ActiveState} ]. ` +
        `Please check \`systemctl show all ${id}\` to check current Unit state. `,
    );
  if (p.ExecMainStatus !== null && p.ExecMainStatus !== 0) return unhealthy(`ExecMainStatus return failed status for ${id}`);
  if (p.ActiveState === 'activating' && p.SubState === 'auto-restart') {
    if (p.ActiveEnterTimestampMonotonic === 0) return unhealthy(`Unit ${id} has never entered \`active\` state`);
    if (p.InactiveEnterTimestampMonotonic > p.ActiveEnterTimestampMonotonic)
      return unhealthy(`Unit ${id} is flapping. Please check \`systemctl status ${id}\` to check current Unit state.`);
  }
  if (p.ActiveState === 'inactive' && !timerTriggered) return unhealthy(`Unit ${id} is ${p.SubState}`);
  return { health: HEALTHY, output: '' };
}

/** systemd's convention: `foo.timer` triggers `foo.service`. */
export function isTimerTriggered(unit: string, unitNames: ReadonlySet<string>): boolean {
  return unit.endsWith('.service') && unitNames.has(`${unit.slice(0, -'.service'.length)}.timer`);
}

/** DC/OS's "Name: description" split as dcos-diagnostics does it: exactly two parts, else the id names it. */
export function splitDescription(id: string, description: string): { name: string; description: string } {
  const parts = description.split(': ');
  if (parts.length === 2) return { name: parts[0]!, description: parts[1]! };
  return { name: id, description: parts.join(' ') };
}

function unhealthy(output: string): UnitVerdict {
  return { health: UNHEALTHY, output };
}
