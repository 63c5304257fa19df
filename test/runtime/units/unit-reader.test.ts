// The read-only unit interface observers get (UnitRegistry.reader()): names, systemd properties, journal reads with
// since/tail, and state-change events — driven by starting, stopping and failing real units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';
import type { UnitReader, UnitStateEvent } from '../../../runtime/units/unit-reader.ts';
import { PRIORITY } from '../../../runtime/units/unit-journal.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { makeUnit, NO_HANG, tempDataDir } from './unit-fixtures.ts';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');

function node(dataDir: string) {
  const clock = new ManualClock(1_000, T0);
  const registry = new UnitRegistry();
  const master = makeUnit(dataDir, { clock });
  const dns = makeUnit(dataDir, {
    clock,
    name: 'dcos-mesos-dns.service',
    description: 'Mesos DNS: DNS based Service Discovery',
    restart: 'on-failure',
    restartSecMs: 0,
  });
  registry.add(master.unit);
  registry.add(dns.unit);
  return { clock, registry, reader: registry.reader(), master, dns };
}

/** Resolves with the first event (from now on) for `unit` reaching `active/sub`. */
function eventFor(reader: UnitReader, unit: string, active: string, sub: string): Promise<UnitStateEvent> {
  return new Promise((resolve) => {
    const listener = (e: UnitStateEvent): void => {
      if (e.unit !== unit || e.to.activeState !== active || e.to.subState !== sub) return;
      reader.unsubscribe(listener);
      resolve(e);
    };
    reader.subscribe(listener);
  });
}

test('unit names and properties of a started and a stopped unit, as systemd names them', NO_HANG, async (t) => {
  const { clock, registry, reader } = node(tempDataDir(t));
  assert.deepEqual(reader.unitNames(), ['dcos-mesos-dns.service', 'dcos-mesos-master.service']);
  assert.equal(reader.properties('dcos-nope.service'), undefined);
  const fresh = reader.properties('dcos-mesos-master.service')!;
  assert.equal(fresh.ActiveState, 'inactive');
  assert.equal(fresh.ActiveEnterTimestamp, 0);

  await registry.get('dcos-mesos-master.service')!.start();
  await clock.advance(5_000);
  await registry.get('dcos-mesos-master.service')!.stop();
  const p = reader.properties('dcos-mesos-master.service')!;
  assert.deepEqual(
    { ...p },
    {
      Id: 'dcos-mesos-master.service',
      Description: 'Mesos Master: distributed systems kernel',
      LoadState: 'loaded',
      ActiveState: 'inactive',
      SubState: 'dead',
      ExecMainStatus: 0,
      NRestarts: 0,
      ActiveEnterTimestamp: T0,
      ActiveExitTimestamp: T0 + 5_000,
      InactiveEnterTimestamp: T0 + 5_000,
      InactiveExitTimestamp: T0,
      StateChangeTimestamp: T0 + 5_000,
      ActiveEnterTimestampMonotonic: 1_000_000,
      ActiveExitTimestampMonotonic: 6_000_000,
      InactiveEnterTimestampMonotonic: 6_000_000,
      InactiveExitTimestampMonotonic: 1_000_000,
    },
  );
});

test('a failing unit: exit status, restart count, and the change events that tell of it', NO_HANG, async (t) => {
  const { reader, dns } = node(tempDataDir(t));
  const events: string[] = [];
  const record = (e: UnitStateEvent): void => void events.push(`${e.unit} ${e.to.activeState}/${e.to.subState}`);
  reader.subscribe(record);
  await dns.unit.start();
  const restarted = eventFor(reader, 'dcos-mesos-dns.service', 'active', 'running');
  dns.component.lastContext.fail(3, 'lost the zone');
  await restarted;
  const p = reader.properties('dcos-mesos-dns.service')!;
  assert.equal(p.NRestarts, 1);
  assert.equal(p.ActiveState, 'active');
  assert.ok(events.includes('dcos-mesos-dns.service failed/failed'), events.join(', '));
  assert.ok(events.includes('dcos-mesos-dns.service activating/auto-restart'), events.join(', '));

  // After unsubscribe nothing more arrives; ExecMainStatus tells of the last exit.
  reader.unsubscribe(record);
  const seen = events.length;
  const failed = eventFor(reader, 'dcos-mesos-dns.service', 'failed', 'failed');
  await dns.unit.stop();
  await dns.unit.start();
  dns.component.lastContext.fail(7, 'again');
  const e = await failed;
  assert.equal(typeof e.at, 'number');
  assert.equal(events.length, seen);
  await dns.unit.stop();
  assert.equal(reader.properties('dcos-mesos-dns.service')!.ExecMainStatus, 7);
});

test('journal reads: every entry, since a wall-clock time, the last N, and the file they come from', NO_HANG, async (t) => {
  const { clock, reader, master } = node(tempDataDir(t));
  await master.unit.start(); // "Starting …", "Started …" at T0
  await clock.advance(1_000);
  master.component.lastContext.log('elected', PRIORITY.notice);
  await clock.advance(1_000);
  master.component.lastContext.log('disk nearly full', PRIORITY.warning);

  const all = await reader.readJournal('dcos-mesos-master.service');
  assert.equal(all.entries.length, 4);
  assert.deepEqual(all.entries[2], { priority: PRIORITY.notice, timestamp: T0 + 1_000, message: 'elected' });
  assert.match(readFileSync(all.path, 'utf8'), /disk nearly full/);

  const since = await reader.readJournal('dcos-mesos-master.service', { since: T0 + 1_000 });
  assert.deepEqual(since.entries.map((e) => e.message), ['elected', 'disk nearly full']);
  const tail = await reader.readJournal('dcos-mesos-master.service', { tail: 1 });
  assert.deepEqual(tail.entries, [{ priority: PRIORITY.warning, timestamp: T0 + 2_000, message: 'disk nearly full' }]);
  const both = await reader.readJournal('dcos-mesos-master.service', { since: T0, tail: 3 });
  assert.equal(both.entries.length, 3);

  await assert.rejects(reader.readJournal('dcos-nope.service'), /dcos-nope\.service could not be found/);
  await assert.rejects(reader.readJournal('dcos-mesos-master.service', { tail: -1 }), RangeError);
  await assert.rejects(reader.readJournal('dcos-mesos-master.service', { since: Number.NaN }), RangeError);
  await master.unit.stop();
});

test('the reader is read-only: no start, stop or append reachable through it', () => {
  const reader = new UnitRegistry().reader();
  assert.ok(Object.isFrozen(reader));
  assert.deepEqual(Object.keys(reader).sort(), ['properties', 'readJournal', 'streamJournal', 'subscribe', 'unitNames', 'unsubscribe']);
});
