// dcos-diagnostics' unit health rules: recorded systemd properties for each rule (with the original's texts), real
// units driven by a ManualClock through active, stopped, failed and timer-run states, and the node's health body
// (fields, name/description split, the last 50 journal lines after an unhealthy unit's text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkUnitHealth, isTimerTriggered, splitDescription } from '../../diagnostics/health/unit-health-rules.ts';
import { goTimeString, journalLines } from '../../diagnostics/health/journal-lines.ts';
import { nodeHealth, type NodeIdentity } from '../../diagnostics/health/node-health.ts';
import type { UnitSource } from '../../diagnostics/health/unit-source.ts';
import { ManualClock } from '../../runtime/time/manual-clock.ts';
import type { UnitProperties } from '../../runtime/units/unit-reader.ts';
import { UnitRegistry } from '../../runtime/units/unit-registry.ts';
import { makeUnit, nextState, NO_HANG, tempDataDir } from '../runtime/units/unit-fixtures.ts';

/** As `systemctl show dcos-mesos-master.service` reported it on a healthy node (timestamps trimmed to the rules'). */
const RUNNING: UnitProperties = {
  Id: 'dcos-mesos-master.service',
  Description: 'Mesos Master: distributed systems kernel',
  LoadState: 'loaded',
  ActiveState: 'active',
  SubState: 'running',
  ExecMainStatus: 0,
  NRestarts: 0,
  ActiveEnterTimestamp: 1574774154708,
  ActiveExitTimestamp: 0,
  InactiveEnterTimestamp: 0,
  InactiveExitTimestamp: 1574774154600,
  StateChangeTimestamp: 1574774154708,
  ActiveEnterTimestampMonotonic: 9_100_000,
  ActiveExitTimestampMonotonic: 0,
  InactiveEnterTimestampMonotonic: 0,
  InactiveExitTimestampMonotonic: 9_000_000,
};
const ID = RUNNING.Id;

test('each rule in dcos-diagnostics order, with its output text', () => {
  assert.deepEqual(checkUnitHealth(RUNNING, false), { health: 0, output: '' });
  assert.deepEqual(checkUnitHealth({ ...RUNNING, LoadState: 'not-found' }, false), {
    health: 1,
    output: `${ID} is not loaded. Please check \`systemctl show all\` to check current Unit status.`,
  });
  assert.deepEqual(checkUnitHealth({ ...RUNNING, ActiveState: 'failed', SubState: 'failed' }, false), {
    health: 1,
    output:
      `${ID} state is not one of the possible states [active inactive activating]. Current state is [ failed ]. ` +
      `Please check \`systemctl show all ${ID}\` to check current Unit state. `,
  });
  assert.equal(checkUnitHealth({ ...RUNNING, ActiveState: 'deactivating', SubState: 'stop-sigterm' }, false)?.health, 1);
  assert.deepEqual(checkUnitHealth({ ...RUNNING, ExecMainStatus: 2 }, false), { health: 1, output: `ExecMainStatus return failed status for ${ID}` });
  // Restarting, never once active.
  const neverActive = { ...RUNNING, ActiveState: 'activating', SubState: 'auto-restart', ActiveEnterTimestampMonotonic: 0 } as const;
  assert.deepEqual(checkUnitHealth(neverActive, false), { health: 1, output: `Unit ${ID} has never entered \`active\` state` });
  // Restarting, last left active after it entered: flapping.
  const flapping = { ...RUNNING, ActiveState: 'activating', SubState: 'auto-restart', InactiveEnterTimestampMonotonic: 9_500_000 } as const;
  assert.deepEqual(checkUnitHealth(flapping, false), {
    health: 1,
    output: `Unit ${ID} is flapping. Please check \`systemctl status ${ID}\` to check current Unit state.`,
  });
  // Activating for the first time (start-pre) is not a failure.
  assert.equal(checkUnitHealth({ ...RUNNING, ActiveState: 'activating', SubState: 'start-pre' }, false)?.health, 0);
  // A unit systemd gives no state for is dropped, not judged.
  assert.equal(checkUnitHealth({ ...RUNNING, SubState: '' as never }, false), undefined);
});

test('inactive: unhealthy unless a timer runs it and its last run exited 0', () => {
  const dead = { ...RUNNING, Id: 'dcos-logrotate-agent.service', ActiveState: 'inactive', SubState: 'dead' } as const;
  assert.deepEqual(checkUnitHealth(dead, false), { health: 1, output: 'Unit dcos-logrotate-agent.service is dead' });
  assert.deepEqual(checkUnitHealth(dead, true), { health: 0, output: '' });
  assert.equal(checkUnitHealth({ ...dead, ExecMainStatus: 1 }, true)?.health, 1);
  const names = new Set(['dcos-logrotate-agent.service', 'dcos-logrotate-agent.timer', 'dcos-mesos-slave.service']);
  assert.equal(isTimerTriggered('dcos-logrotate-agent.service', names), true);
  assert.equal(isTimerTriggered('dcos-mesos-slave.service', names), false);
  assert.equal(isTimerTriggered('dcos-logrotate-agent.timer', names), false);
});

test('name and description from "Name: description", as the original splits them', () => {
  assert.deepEqual(splitDescription('x.service', 'DC/OS Diagnostics Agent: exposes component health'), {
    name: 'DC/OS Diagnostics Agent',
    description: 'exposes component health',
  });
  assert.deepEqual(splitDescription('x.service', 'no colon here'), { name: 'x.service', description: 'no colon here' });
  assert.deepEqual(splitDescription('x.service', 'a: b: c'), { name: 'x.service', description: 'a b c' });
});

test("journal lines in go-systemd's simple format", () => {
  assert.equal(goTimeString(Date.UTC(2019, 10, 26, 13, 15, 54, 708)), '2019-11-26 13:15:54.708 +0000 UTC');
  assert.equal(goTimeString(Date.UTC(2019, 10, 26, 13, 15, 54, 0)), '2019-11-26 13:15:54 +0000 UTC');
  assert.equal(goTimeString(Date.UTC(2019, 10, 26, 13, 15, 54, 700)), '2019-11-26 13:15:54.7 +0000 UTC');
  assert.equal(journalLines([{ priority: 6, timestamp: Date.UTC(2019, 10, 26, 13, 15, 54, 708), message: 'msg' }]), '2019-11-26 13:15:54.708 +0000 UTC msg\n');
});

const IDENTITY: NodeIdentity = {
  hostname: 'h',
  ip: '127.0.2.1',
  dcos_version: '2.2.0',
  node_role: 'agent',
  mesos_id: 'm-S0',
  dcos_diagnostics_version: '0.1.0',
};

test('real units on a ManualClock: active 0; stopped 1 with its last 50 journal lines; failed 1; a timer-run service 0', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  const clock = new ManualClock(1000, Date.UTC(2026, 11, 7, 1, 0, 0));
  const registry = new UnitRegistry();
  const master = makeUnit(dir, { clock });
  const timerRun = makeUnit(dir, { clock, name: 'dcos-logrotate-agent.service', description: 'Logrotate: rotates logs' });
  const timer = makeUnit(dir, { clock, name: 'dcos-logrotate-agent.timer', description: 'Logrotate Timer: rotates logs daily' });
  for (const u of [master, timerRun, timer]) registry.add(u.unit);
  const source: UnitSource = registry.reader();
  const health = async () => Object.fromEntries((await nodeHealth(source, IDENTITY)).units.map((u) => [u.id, u]));

  await master.unit.start();
  await timer.unit.start();
  await timerRun.unit.start();
  const ran = nextState(timerRun.unit, (c) => c.to.activeState === 'inactive');
  timerRun.component.lastContext.exit();
  await ran;
  assert.equal(source.properties('dcos-logrotate-agent.service')!.ExecMainStatus, 0);
  let units = await health();
  assert.equal(units['dcos-mesos-master.service']!.health, 0);
  assert.equal(units['dcos-mesos-master.service']!.output, '');
  assert.equal(units['dcos-logrotate-agent.service']!.health, 0, units['dcos-logrotate-agent.service']!.output);

  for (let i = 0; i < 60; i++) {
    await clock.advance(1000);
    master.component.lastContext.log(`line ${i}`);
  }
  await master.unit.stop();
  units = await health();
  const stopped = units['dcos-mesos-master.service']!;
  assert.equal(stopped.health, 1);
  const [first, ...journal] = stopped.output.split('\n');
  assert.equal(first, 'Unit dcos-mesos-master.service is dead');
  assert.equal(journal.pop(), '', 'the output ends with a newline');
  assert.equal(journal.length, 50);
  const entries = (await source.readJournal('dcos-mesos-master.service', { tail: 50 })).entries;
  assert.deepEqual(journal, entries.map((e) => `${goTimeString(e.timestamp)} ${e.message}`));
  assert.ok(journal.includes(`${goTimeString(Date.UTC(2026, 11, 7, 1, 1, 0))} line 59`), journal.join('\n'));

  await master.unit.start();
  const failed = nextState(master.unit, (c) => c.to.activeState !== 'active');
  master.component.lastContext.fail(2, 'lost its registry');
  await failed;
  units = await health();
  assert.equal(units['dcos-mesos-master.service']!.health, 1);
  assert.match(units['dcos-mesos-master.service']!.output, /^(ExecMainStatus return failed status for|dcos-mesos-master.service state is not one)/);
});

test('the node body has exactly the original fields, in order; a failing probe makes an active unit unhealthy', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  const registry = new UnitRegistry();
  const dns = makeUnit(dir, { name: 'dcos-spartan.service', description: 'DNS Forwarder (Spartan): forwards DNS requests' });
  registry.add(dns.unit);
  await dns.unit.start();
  dns.component.lastContext.log('serving');
  const body = await nodeHealth(registry.reader(), IDENTITY, new Map([['dcos-spartan.service', 'Liveness probe failed: ready.spartan at 127.0.2.1:53: ETIMEOUT']]));
  assert.deepEqual(Object.keys(body), ['units', 'hostname', 'ip', 'dcos_version', 'node_role', 'mesos_id', 'dcos_diagnostics_version']);
  assert.deepEqual(Object.keys(body.units[0]!), ['id', 'health', 'output', 'description', 'help', 'name']);
  const unit = body.units[0]!;
  assert.equal(unit.health, 1);
  assert.equal(unit.name, 'DNS Forwarder (Spartan)');
  assert.equal(unit.description, 'forwards DNS requests');
  assert.equal(unit.help, '');
  assert.match(unit.output, /^Liveness probe failed: ready\.spartan at 127\.0\.2\.1:53: ETIMEOUT\n.* serving\n/s);
});
