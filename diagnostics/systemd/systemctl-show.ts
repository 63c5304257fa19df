/**
 * What `systemctl show` says about units, as UnitProperties: one call for all of a node's units
 * (`systemctl show --property=… -- a.service b.timer`), whose output is one `Key=value` block per unit, in the order
 * asked, separated by blank lines. These are the D-Bus properties dcos-diagnostics read (GetUnitProperties, and
 * ExecMainStatus for services), under the same names.
 *
 * ExecMainStatus: systemd reports 0 both for "exited 0" and for "has not exited", and keeps ExecMainPID after the
 * process is gone, so neither tells a run in progress from a clean exit. ExecMainCode does: it is 0 until the main
 * process started last exits, then its CLD_* code (1 exited, 2 killed, 3 dumped). So ExecMainStatus is null while
 * ExecMainCode is 0 (running, or never run) and on units without a main process (sockets, timers); otherwise it is
 * systemd's ExecMainStatus (the exit status, or the signal number), as dcos-diagnostics compared it.
 */
import type { UnitActiveState, UnitLoadState, UnitProperties } from '../../runtime/units/unit-reader.ts';
import { parseSystemdTimestamp } from './systemd-timestamp.ts';

const WALL_TIMESTAMPS = ['ActiveEnterTimestamp', 'ActiveExitTimestamp', 'InactiveEnterTimestamp', 'InactiveExitTimestamp', 'StateChangeTimestamp'] as const;
const MONOTONIC_TIMESTAMPS = [
  'ActiveEnterTimestampMonotonic',
  'ActiveExitTimestampMonotonic',
  'InactiveEnterTimestampMonotonic',
  'InactiveExitTimestampMonotonic',
] as const;

export const SHOWN_PROPERTIES = [
  'Id',
  'Description',
  'LoadState',
  'ActiveState',
  'SubState',
  'ExecMainCode',
  'ExecMainStatus',
  'NRestarts',
  ...WALL_TIMESTAMPS,
  ...MONOTONIC_TIMESTAMPS,
  // A timer's (systemd prints them for timer units only, the two times formatted as wall timestamps).
  'Unit',
  'NextElapseUSecRealtime',
  'LastTriggerUSec',
] as const;

const LOAD_STATES: readonly UnitLoadState[] = ['loaded', 'not-found', 'stub', 'bad-setting', 'error', 'merged', 'masked'];
const ACTIVE_STATES: readonly UnitActiveState[] = ['active', 'reloading', 'activating', 'deactivating', 'inactive', 'failed', 'maintenance', 'refreshing'];

/** The arguments of the one `systemctl show` for these units. */
export function systemctlShowArgs(units: readonly string[]): string[] {
  return ['show', '--no-pager', `--property=${SHOWN_PROPERTIES.join(',')}`, '--', ...units];
}

/** Each asked unit's properties, or why they could not be read from its block. Throws when the blocks do not match. */
export function parseSystemctlShow(output: string, units: readonly string[]): Map<string, UnitProperties | Error> {
  const blocks = output
    .split(/\n[ \t]*\n/)
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (blocks.length !== units.length) throw new Error(`systemctl show answered ${blocks.length} unit(s) for ${units.length} asked`);
  const result = new Map<string, UnitProperties | Error>();
  units.forEach((unit, i) => {
    try {
      result.set(unit, unitPropertiesOf(keyValues(blocks[i]!)));
    } catch (err) {
      result.set(unit, new Error(`systemctl show ${unit}: ${(err as Error).message}`));
    }
  });
  return result;
}

function keyValues(block: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not a Key=value line: '${line}'`);
    values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return values;
}

/** The properties of one `systemctl show` block (a missing property as systemd leaves it unset: 0, or none). */
export function unitPropertiesOf(values: ReadonlyMap<string, string>): UnitProperties {
  const text = (key: string) => values.get(key) ?? '';
  const count = (key: string): number => {
    const value = text(key);
    if (value === '') return 0;
    if (!/^\d+$/.test(value)) throw new Error(`${key} is not a count: '${value}'`);
    return Number(value);
  };
  const wall = (key: string): number => {
    try {
      return parseSystemdTimestamp(text(key));
    } catch (err) {
      throw new Error(`${key}: ${(err as Error).message}`);
    }
  };
  const id = text('Id');
  if (id === '') throw new Error('no Id');
  return {
    Id: id,
    Description: text('Description'),
    LoadState: oneOf('LoadState', text('LoadState'), LOAD_STATES),
    ActiveState: oneOf('ActiveState', text('ActiveState'), ACTIVE_STATES),
    SubState: text('SubState'),
    ExecMainStatus: count('ExecMainCode') === 0 ? null : signedInt('ExecMainStatus', text('ExecMainStatus')),
    NRestarts: count('NRestarts'),
    ActiveEnterTimestamp: wall('ActiveEnterTimestamp'),
    ActiveExitTimestamp: wall('ActiveExitTimestamp'),
    InactiveEnterTimestamp: wall('InactiveEnterTimestamp'),
    InactiveExitTimestamp: wall('InactiveExitTimestamp'),
    StateChangeTimestamp: wall('StateChangeTimestamp'),
    ActiveEnterTimestampMonotonic: count('ActiveEnterTimestampMonotonic'),
    ActiveExitTimestampMonotonic: count('ActiveExitTimestampMonotonic'),
    InactiveEnterTimestampMonotonic: count('InactiveEnterTimestampMonotonic'),
    InactiveExitTimestampMonotonic: count('InactiveExitTimestampMonotonic'),
    ...(id.endsWith('.timer') && text('Unit') !== ''
      ? { Timer: { Unit: text('Unit'), NextElapseRealtime: wall('NextElapseUSecRealtime'), LastTrigger: wall('LastTriggerUSec') } }
      : {}),
  };
}

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new Error(`${key} '${value}' is not one of systemd's (${allowed.join(', ')})`);
  return found;
}

function signedInt(key: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw new Error(`${key} is not a number: '${value}'`);
  return Number(value);
}
