// The systemd backend's readers against recordings in systemd's formats (fixtures/systemd/): `systemctl show`
// blocks of a DC/OS master's units (running, failed, a timer's oneshot between runs, not-found, flapping) with the
// verdicts the health rules give them, systemd's timestamps, `journalctl -o json` lines (a MESSAGE as bytes), the
// wants directory, and the arguments each tool is run with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkUnitHealth, isTimerTriggered } from '../../diagnostics/health/unit-health-rules.ts';
import { dcosTargetWants } from '../../diagnostics/systemd/dcos-target-wants.ts';
import { journalctlArgs, parseJournalJson } from '../../diagnostics/systemd/journal-json.ts';
import { parseSystemctlShow, SHOWN_PROPERTIES, systemctlShowArgs } from '../../diagnostics/systemd/systemctl-show.ts';
import { parseSystemdTimestamp } from '../../diagnostics/systemd/systemd-timestamp.ts';
import type { UnitProperties } from '../../runtime/units/unit-reader.ts';

const FIXTURES = fileURLToPath(new URL('fixtures/systemd/', import.meta.url));
const UNITS = [
  'dcos-exhibitor.service',
  'dcos-history.service',
  'dcos-logrotate-master.service',
  'dcos-logrotate-master.timer',
  'dcos-mesos-master.service',
  'dcos-metronome.service',
];
const recorded = (unit: string) => readFileSync(join(FIXTURES, 'show', unit), 'utf8');
/** What one `systemctl show … -- <units>` prints: the units' blocks, blank-line separated. */
const showOutput = (units: readonly string[]) => units.map(recorded).join('\n');
const at = (hms: string, us = 0) => Date.parse(`2026-12-07T${hms}Z`) + Math.floor(us / 1000);

function shown(): Map<string, UnitProperties> {
  const parsed = parseSystemctlShow(showOutput(UNITS), UNITS);
  const properties = new Map<string, UnitProperties>();
  for (const [unit, p] of parsed) {
    assert.ok(!(p instanceof Error), `${unit}: ${String(p)}`);
    properties.set(unit, p);
  }
  return properties;
}

test('systemd timestamps: UTC wall time to ms, µs style, offsets; unset is 0; a zone abbreviation is refused', () => {
  assert.equal(parseSystemdTimestamp('Mon 2026-12-07 03:00:00 UTC'), Date.UTC(2026, 11, 7, 3, 0, 0));
  assert.equal(parseSystemdTimestamp('Mon 2026-12-07 03:00:00.123456 UTC'), Date.UTC(2026, 11, 7, 3, 0, 0, 123));
  assert.equal(parseSystemdTimestamp('Mon 2026-12-07 08:30:00 +0530'), Date.UTC(2026, 11, 7, 3, 0, 0));
  assert.equal(parseSystemdTimestamp('Sun 2026-12-06 22:00:00 -05'), Date.UTC(2026, 11, 7, 3, 0, 0));
  assert.equal(parseSystemdTimestamp(''), 0);
  assert.equal(parseSystemdTimestamp('n/a'), 0);
  assert.throws(() => parseSystemdTimestamp('Mon 2026-12-07 04:00:00 CET'), /not a systemd timestamp in UTC: 'Mon 2026-12-07 04:00:00 CET'/);
});

test('systemctl show: one run for every unit, with the properties dcos-diagnostics read', () => {
  const args = systemctlShowArgs(['dcos-a.service', 'dcos-b.timer']);
  assert.deepEqual(args.slice(0, 2), ['show', '--no-pager']);
  assert.deepEqual(args.slice(-3), ['--', 'dcos-a.service', 'dcos-b.timer']);
  const asked = args[2]!.replace('--property=', '').split(',');
  for (const p of ['Id', 'Description', 'LoadState', 'ActiveState', 'SubState', 'ExecMainCode', 'ExecMainStatus', 'NRestarts'])
    assert.ok(asked.includes(p), p);
  for (const boundary of ['ActiveEnter', 'ActiveExit', 'InactiveEnter', 'InactiveExit'])
    assert.ok(asked.includes(`${boundary}Timestamp`) && asked.includes(`${boundary}TimestampMonotonic`), boundary);
  assert.deepEqual(asked, [...SHOWN_PROPERTIES]);
});

test('recorded units parse to systemd properties: ExecMainStatus only once the main process exited', () => {
  const p = shown();
  assert.deepEqual(p.get('dcos-mesos-master.service'), {
    Id: 'dcos-mesos-master.service',
    Description: 'Mesos Master: distributed systems kernel',
    LoadState: 'loaded',
    ActiveState: 'active',
    SubState: 'running',
    // ExecMainCode=0: running, no exit yet (systemd prints ExecMainStatus=0 all the same).
    ExecMainStatus: null,
    NRestarts: 0,
    ActiveEnterTimestamp: at('02:01:05'),
    ActiveExitTimestamp: 0,
    InactiveEnterTimestamp: 0,
    InactiveExitTimestamp: at('02:01:05'),
    StateChangeTimestamp: at('02:01:05'),
    ActiveEnterTimestampMonotonic: 65_123_456,
    ActiveExitTimestampMonotonic: 0,
    InactiveEnterTimestampMonotonic: 0,
    InactiveExitTimestampMonotonic: 65_123_456,
  });
  const failed = p.get('dcos-exhibitor.service')!;
  assert.deepEqual([failed.ActiveState, failed.SubState, failed.ExecMainStatus, failed.NRestarts], ['failed', 'failed', 1, 5]);
  const oneshot = p.get('dcos-logrotate-master.service')!;
  // A oneshot goes activating → inactive: never active, exited 0.
  assert.deepEqual([oneshot.ActiveState, oneshot.SubState, oneshot.ExecMainStatus, oneshot.ActiveEnterTimestamp], ['inactive', 'dead', 0, 0]);
  assert.equal(oneshot.InactiveEnterTimestamp, at('03:58:01'));
  const timer = p.get('dcos-logrotate-master.timer')!;
  // No main process, no restarts: systemd prints neither property for a timer.
  assert.deepEqual([timer.ActiveState, timer.SubState, timer.ExecMainStatus, timer.NRestarts], ['active', 'waiting', null, 0]);
  assert.deepEqual(timer.Timer, { Unit: 'dcos-logrotate-master.service', NextElapseRealtime: at('04:00:01'), LastTrigger: at('03:58:01') });
  assert.equal(oneshot.Timer, undefined, 'only a timer has timer properties');
  const missing = p.get('dcos-history.service')!;
  assert.deepEqual([missing.LoadState, missing.ActiveState, missing.Description, missing.StateChangeTimestamp], ['not-found', 'inactive', 'dcos-history.service', 0]);
  const flapping = p.get('dcos-metronome.service')!;
  assert.deepEqual([flapping.ActiveState, flapping.SubState, flapping.NRestarts, flapping.ExecMainStatus], ['activating', 'auto-restart', 12, 0]);
  assert.ok(flapping.InactiveEnterTimestampMonotonic > flapping.ActiveEnterTimestampMonotonic);
});

test('the health rules on the recorded units: failed, not-found and flapping 1; the timer and its exited-0 oneshot 0', () => {
  const p = shown();
  const names = new Set(UNITS);
  const verdict = (unit: string) => checkUnitHealth(p.get(unit)!, isTimerTriggered(unit, names));
  assert.deepEqual(verdict('dcos-mesos-master.service'), { health: 0, output: '' });
  assert.deepEqual(verdict('dcos-logrotate-master.service'), { health: 0, output: '' });
  assert.deepEqual(verdict('dcos-logrotate-master.timer'), { health: 0, output: '' });
  assert.equal(verdict('dcos-exhibitor.service')!.health, 1);
  assert.match(verdict('dcos-exhibitor.service')!.output, /Current state is \[ failed \]/);
  assert.deepEqual(verdict('dcos-history.service'), {
    health: 1,
    output: 'dcos-history.service is not loaded. Please check `systemctl show all` to check current Unit status.',
  });
  assert.deepEqual(verdict('dcos-metronome.service'), {
    health: 1,
    output: 'Unit dcos-metronome.service is flapping. Please check `systemctl status dcos-metronome.service` to check current Unit state.',
  });
  // Without its timer the same oneshot is a stopped service.
  assert.deepEqual(checkUnitHealth(p.get('dcos-logrotate-master.service')!, false), { health: 1, output: 'Unit dcos-logrotate-master.service is dead' });
});

test('systemctl show: a block it cannot read fails its unit only; blocks not matching the units asked fail all', () => {
  const units = ['dcos-mesos-master.service', 'dcos-exhibitor.service'];
  const odd = recorded('dcos-exhibitor.service').replace('ActiveState=failed', 'ActiveState=sleeping');
  const parsed = parseSystemctlShow(`${recorded('dcos-mesos-master.service')}\n${odd}`, units);
  assert.equal((parsed.get('dcos-mesos-master.service') as UnitProperties).ActiveState, 'active');
  assert.match(String(parsed.get('dcos-exhibitor.service')), /systemctl show dcos-exhibitor\.service: ActiveState 'sleeping' is not one of systemd's/);
  const badTime = recorded('dcos-exhibitor.service').replace('ActiveExitTimestamp=Mon 2026-12-07 03:12:44 UTC', 'ActiveExitTimestamp=yesterday');
  assert.match(String(parseSystemctlShow(badTime, ['dcos-exhibitor.service']).get('dcos-exhibitor.service')), /ActiveExitTimestamp: not a systemd timestamp/);
  assert.throws(() => parseSystemctlShow(recorded('dcos-mesos-master.service'), units), /systemctl show answered 1 unit\(s\) for 2 asked/);
});

test('journalctl -o json: records oldest first, ms from µs, priorities, a MESSAGE given as bytes decoded', () => {
  const records = parseJournalJson(readFileSync(join(FIXTURES, 'journal', 'dcos-exhibitor.service.json'), 'utf8'));
  assert.equal(records.length, 7);
  assert.deepEqual(records[0], { priority: 6, timestamp: at('03:12:38', 100_211), message: 'Started Exhibitor: Zookeeper Supervisor Service.' });
  assert.deepEqual(records[2], {
    priority: 6,
    timestamp: at('03:12:44', 208_113),
    message: '\x1b[31mERROR\x1b[0m com.netflix.exhibitor.core.state.ZooKeeperProcess  could not bind 0.0.0.0:2181: Address already in use',
  });
  assert.deepEqual(
    records.map((r) => r.priority),
    [6, 6, 6, 5, 4, 4, 3],
  );
  assert.equal(records[6]!.message, 'Failed to start Exhibitor: Zookeeper Supervisor Service.');
});

test("journalctl -o json: journald's other shapes (repeated field, over-size null, no PRIORITY); bad lines fail", () => {
  const line = (fields: object) => JSON.stringify({ __REALTIME_TIMESTAMP: '1796613158100211', ...fields });
  const records = parseJournalJson(
    [line({ MESSAGE: ['first', [115, 101, 99, 111, 110, 100]], PRIORITY: '3' }), line({ MESSAGE: null }), '', line({ MESSAGE: 'x', PRIORITY: '9' })].join('\n'),
  );
  assert.deepEqual(
    records.map((r) => [r.message, r.priority]),
    [
      ['first\nsecond', 3],
      ['', 6],
      ['x', 6],
    ],
  );
  assert.throws(() => parseJournalJson(`${line({ MESSAGE: 'ok' })}\n-- No entries --`), /journalctl line 2 is not JSON/);
  assert.throws(() => parseJournalJson(JSON.stringify({ MESSAGE: 'no time' })), /line 1 has no __REALTIME_TIMESTAMP/);
});

test('journalctl arguments: the unit as JSON, unpaged, with --since as epoch seconds and --lines for a tail', () => {
  assert.deepEqual(journalctlArgs('dcos-exhibitor.service'), ['--unit', 'dcos-exhibitor.service', '--output', 'json', '--all', '--no-pager', '--quiet']);
  assert.deepEqual(journalctlArgs('dcos-exhibitor.service', { since: 1796613158100, tail: 50 }).slice(-4), ['--since', '@1796613158.100', '--lines', '50']);
});

test("the wants directory: its dcos-* unit names, sorted; a drop-in or other entry is not a unit; a missing one says so", async () => {
  assert.deepEqual(await dcosTargetWants(join(FIXTURES, 'wants')), [...UNITS, 'dcos-setup.service']);
  await assert.rejects(dcosTargetWants(join(FIXTURES, 'no-such-dir')), /cannot read .*no-such-dir: ENOENT/);
});
