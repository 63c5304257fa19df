// UnitRegistry: ordering of startAll/stopAll, lookups, the snapshot's JSON and forwarded state events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';
import type { UnitStateChange } from '../../../runtime/units/unit-state.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { makeUnit, NO_HANG, tempDataDir, type TestUnit } from './unit-fixtures.ts';

const MASTER = { name: 'dcos-mesos-master.service', description: 'Mesos Master: distributed systems kernel' };
const MARATHON = { name: 'dcos-marathon.service', description: 'Marathon: container orchestration engine' };
const DNS = { name: 'dcos-mesos-dns.service', description: 'Mesos DNS: DNS based Service Discovery' };

/** A registry of master, Mesos-DNS, Marathon (in that start order) that logs each start and stop to `order`. */
function masterNode(dataDir: string, clock?: ManualClock) {
  const order: string[] = [];
  const registry = new UnitRegistry();
  const units: TestUnit[] = [];
  for (const u of [MASTER, DNS, MARATHON]) {
    const t = makeUnit(dataDir, { ...u, ...(clock ? { clock } : {}) });
    t.component.onStart = () => void order.push(`start ${u.name}`);
    t.component.onStop = () => void order.push(`stop ${u.name}`);
    registry.add(t.unit);
    units.push(t);
  }
  return { registry, units, order };
}

test('startAll starts in insertion order, stopAll stops in reverse', NO_HANG, async (t) => {
  const { registry, order } = masterNode(tempDataDir(t));
  await registry.startAll();
  assert.ok(registry.list().every((u) => u.activeState === 'active'));
  await registry.stopAll();
  assert.deepEqual(order, [
    'start dcos-mesos-master.service',
    'start dcos-mesos-dns.service',
    'start dcos-marathon.service',
    'stop dcos-marathon.service',
    'stop dcos-mesos-dns.service',
    'stop dcos-mesos-master.service',
  ]);
  assert.ok(registry.list().every((u) => u.activeState === 'inactive'));
});

test('stopAll bounds each stop by the timeout and goes on with the others', NO_HANG, async (t) => {
  const { registry, units, order } = masterNode(tempDataDir(t));
  await registry.startAll();
  units[1]!.component.onStop = () => new Promise(() => undefined); // Mesos-DNS hangs on stop
  await assert.rejects(registry.stopAll({ timeoutMs: 20 }), (err: unknown) => err instanceof AggregateError && err.errors.length === 1);
  assert.deepEqual(order.slice(3), ['stop dcos-marathon.service', 'stop dcos-mesos-master.service']);
  assert.equal(registry.get(DNS.name)!.activeState, 'failed');
  assert.equal(registry.get(MASTER.name)!.activeState, 'inactive');
});

test('startAll goes on after a failed start and reports the failures together', NO_HANG, async (t) => {
  const { registry, units } = masterNode(tempDataDir(t));
  units[0]!.component.onStart = () => Promise.reject(new Error('cannot bind 5050'));
  await assert.rejects(registry.startAll(), (err: unknown) => err instanceof AggregateError && /cannot bind 5050/.test(String(err.errors[0])));
  assert.equal(registry.get(MASTER.name)!.activeState, 'failed');
  assert.equal(registry.get(MARATHON.name)!.activeState, 'active');
  await registry.stopAll();
});

test('get and list (sorted by name); a name can be added once', NO_HANG, (t) => {
  const dataDir = tempDataDir(t);
  const { registry } = masterNode(dataDir);
  assert.equal(registry.get(MARATHON.name)?.description, MARATHON.description);
  assert.equal(registry.get('dcos-nope.service'), undefined);
  assert.deepEqual(
    registry.list().map((u) => u.name),
    ['dcos-marathon.service', 'dcos-mesos-dns.service', 'dcos-mesos-master.service'],
  );
  assert.throws(() => registry.add(makeUnit(dataDir, MASTER).unit), /already registered/);
});

test('snapshot is plain JSON with systemd-style fields per unit', NO_HANG, async (t) => {
  const clock = new ManualClock(2_000, Date.parse('2024-05-01T12:00:00.000Z'));
  const { registry, units } = masterNode(tempDataDir(t), clock);
  await clock.advance(1);
  await registry.get(MASTER.name)!.start(); // at 2_001_000 us
  await clock.advance(2);
  await registry.get(DNS.name)!.start(); // at 2_003_000 us
  await clock.advance(4);
  await registry.get(DNS.name)!.stop(); // at 2_007_000 us
  units[2]!.component.onStart = () => Promise.reject(new Error('no leader'));
  await clock.advance(8);
  await assert.rejects(registry.get(MARATHON.name)!.start()); // at 2_015_000 us

  const snapshot = registry.snapshot();
  assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot, 'plain JSON');
  assert.deepEqual(snapshot, [
    {
      id: 'dcos-marathon.service',
      name: 'Marathon: container orchestration engine',
      load_state: 'loaded',
      active_state: 'failed',
      sub_state: 'failed',
      main_status: 1,
      n_restarts: 0,
      active_enter_ts_monotonic_us: 0,
      active_exit_ts_monotonic_us: 0,
      inactive_enter_ts_monotonic_us: 2_015_000,
      inactive_exit_ts_monotonic_us: 2_015_000,
      since: '2024-05-01T12:00:00.015Z',
    },
    {
      id: 'dcos-mesos-dns.service',
      name: 'Mesos DNS: DNS based Service Discovery',
      load_state: 'loaded',
      active_state: 'inactive',
      sub_state: 'dead',
      main_status: 0,
      n_restarts: 0,
      active_enter_ts_monotonic_us: 2_003_000,
      active_exit_ts_monotonic_us: 2_007_000,
      inactive_enter_ts_monotonic_us: 2_007_000,
      inactive_exit_ts_monotonic_us: 2_003_000,
      since: '2024-05-01T12:00:00.007Z',
    },
    {
      id: 'dcos-mesos-master.service',
      name: 'Mesos Master: distributed systems kernel',
      load_state: 'loaded',
      active_state: 'active',
      sub_state: 'running',
      main_status: null,
      n_restarts: 0,
      active_enter_ts_monotonic_us: 2_001_000,
      active_exit_ts_monotonic_us: 0,
      inactive_enter_ts_monotonic_us: 0,
      inactive_exit_ts_monotonic_us: 2_001_000,
      since: '2024-05-01T12:00:00.001Z',
    },
  ]);
  await registry.stopAll();
});

test('unit state changes are re-emitted as unit-state events', NO_HANG, async (t) => {
  const { registry } = masterNode(tempDataDir(t));
  const seen: UnitStateChange[] = [];
  registry.on('unit-state', (c) => seen.push(c));
  await registry.get(MARATHON.name)!.start();
  assert.deepEqual(
    seen.map((c) => [c.unit, `${c.from.activeState}/${c.from.subState}`, `${c.to.activeState}/${c.to.subState}`]),
    [
      ['dcos-marathon.service', 'inactive/dead', 'activating/start-pre'],
      ['dcos-marathon.service', 'activating/start-pre', 'active/running'],
    ],
  );
  assert.ok(seen.every((c) => !Number.isNaN(Date.parse(c.at))));
  await registry.stopAll();
});

test('an observer that throws does not derail the unit', NO_HANG, async (t) => {
  const { registry } = masterNode(tempDataDir(t));
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => void uncaught.push(err);
  // The test runner owns uncaughtException; swap its listeners out for the duration of this test.
  const previous = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onUncaught);
  t.after(() => {
    process.off('uncaughtException', onUncaught);
    for (const l of previous) process.on('uncaughtException', l);
  });
  registry.once('unit-state', () => {
    throw new Error('observer bug');
  });
  await registry.get(MASTER.name)!.start();
  assert.equal(registry.get(MASTER.name)!.activeState, 'active');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal((uncaught[0] as Error | undefined)?.message, 'observer bug');
  await registry.stopAll();
});
