// Unit state machine: transitions, timestamps, serialisation, failure handling and Restart= policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { Unit, UnitError } from '../../../runtime/units/unit.ts';
import {
  deferred,
  journalMessages,
  makeUnit,
  nextState,
  NO_HANG,
  reaches,
  recordStates,
  tempDataDir,
} from './unit-fixtures.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

test('a new unit is loaded, inactive/dead, with no exit status and no timestamps', NO_HANG, (t) => {
  const { unit } = makeUnit(tempDataDir(t));
  assert.equal(unit.loadState, 'loaded');
  assert.equal(unit.activeState, 'inactive');
  assert.equal(unit.subState, 'dead');
  assert.equal(unit.mainExitStatus, null);
  assert.equal(unit.nRestarts, 0);
  assert.deepEqual(unit.timestamps, { activeEnter: null, activeExit: null, inactiveEnter: null, inactiveExit: null });
});

test('start then stop walks through systemd states, stamps both clocks and journals each step', NO_HANG, async (t) => {
  const clock = new ManualClock(5_000, Date.parse('2024-05-01T12:00:00.000Z'));
  const { unit, journal, component } = makeUnit(tempDataDir(t), { clock });
  const states = recordStates(unit);
  component.onStart = () => clock.advance(10); // start takes 10 ms
  component.onStop = () => clock.advance(3);

  await clock.advance(1);
  await unit.start();
  assert.equal(unit.activeState, 'active');
  assert.equal(unit.subState, 'running');
  assert.equal(unit.mainExitStatus, null);
  await clock.advance(100);
  await unit.stop();

  assert.deepEqual(states, ['activating/start-pre', 'active/running', 'deactivating/stop-sigterm', 'inactive/dead']);
  assert.deepEqual(component.calls, ['start', 'stop']);
  assert.equal(unit.mainExitStatus, 0);
  const ts = unit.timestamps;
  assert.deepEqual(ts.inactiveExit, { monotonicUs: 5_001_000, wallMs: Date.parse('2024-05-01T12:00:00.001Z') });
  assert.equal(ts.activeEnter?.monotonicUs, 5_011_000);
  assert.equal(ts.activeExit?.monotonicUs, 5_111_000);
  assert.equal(ts.inactiveEnter?.monotonicUs, 5_114_000);
  assert.equal(ts.inactiveEnter?.wallMs, Date.parse('2024-05-01T12:00:00.114Z'));
  assert.deepEqual(unit.stateChangeTimestamp, ts.inactiveEnter);
  assert.deepEqual(await journalMessages(journal), [
    'Starting Mesos Master: distributed systems kernel...',
    'Started Mesos Master: distributed systems kernel.',
    'Stopping Mesos Master: distributed systems kernel...',
    'Stopped Mesos Master: distributed systems kernel.',
  ]);
});

test('starting an active unit and stopping an inactive one change nothing', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t));
  await unit.stop();
  await unit.start();
  await unit.start();
  assert.deepEqual(component.calls, ['start']);
  assert.equal(unit.activeState, 'active');
});

test('concurrent start/stop/restart calls run one at a time, in call order', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t));
  const firstStart = deferred();
  component.onStart = (_ctx, n) => (n === 1 ? firstStart.promise : undefined);
  const states = recordStates(unit);

  const calls = [unit.start(), unit.stop(), unit.restart(), unit.start()];
  // Nothing else may begin while the first start is still in progress.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(component.calls, ['start']);
  firstStart.resolve();
  await Promise.all(calls);

  assert.equal(component.maxInFlight, 1);
  // restart of an inactive unit only starts it; the final start finds it active.
  assert.deepEqual(component.calls, ['start', 'stop', 'start']);
  assert.deepEqual(states, [
    'activating/start-pre',
    'active/running',
    'deactivating/stop-sigterm',
    'inactive/dead',
    'activating/start-pre',
    'active/running',
  ]);
});

test('restart stops and starts an active unit without counting an automatic restart', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t), { restart: 'always' });
  await unit.start();
  await unit.restart();
  assert.deepEqual(component.calls, ['start', 'stop', 'start']);
  assert.equal(unit.activeState, 'active');
  assert.equal(unit.nRestarts, 0);
  await unit.stop();
});

test('a start that throws leaves the unit failed; with Restart=no it stays failed', NO_HANG, async (t) => {
  const { unit, journal, component } = makeUnit(tempDataDir(t), { restart: 'no', restartSecMs: 20 });
  component.onStart = () => {
    throw new Error('bind: address already in use');
  };
  const states = recordStates(unit);

  await assert.rejects(unit.start(), (err: unknown) => err instanceof UnitError && /address already in use/.test(err.message));
  // A scheduled restart would already show as activating/auto-restart here.
  assert.equal(unit.activeState, 'failed');
  assert.equal(unit.subState, 'failed');
  assert.equal(unit.mainExitStatus, 1);
  assert.equal(unit.nRestarts, 0);
  // The unit cleans up after the half-started component, as systemd kills the rest of the cgroup.
  assert.deepEqual(component.calls, ['start', 'stop']);
  assert.deepEqual(states, ['activating/start-pre', 'deactivating/stop-sigterm', 'failed/failed']);
  const messages = await journalMessages(journal);
  assert.ok(messages.includes('dcos-mesos-master.service failed with exit status 1: bind: address already in use'));
  assert.ok(!messages.some((m) => m.startsWith('Started')));
  assert.ok(!messages.some((m) => m.includes('Scheduled restart job')));
});

test('a reported failure auto-restarts after RestartSec, counting restarts in state and journal', NO_HANG, async (t) => {
  const { unit, journal, component } = makeUnit(tempDataDir(t), { restart: 'on-failure', restartSecMs: 20 });
  await unit.start();
  const states = recordStates(unit);

  let back = nextState(unit, reaches('active', 'running'));
  component.lastContext.fail(3, 'lost leadership');
  await back;
  assert.equal(unit.nRestarts, 1);
  assert.deepEqual(states, [
    'deactivating/stop-sigterm',
    'failed/failed',
    'activating/auto-restart',
    'activating/start-pre',
    'active/running',
  ]);

  back = nextState(unit, reaches('active', 'running'));
  component.lastContext.fail(4, 'lost leadership again');
  await back;
  assert.equal(unit.nRestarts, 2);
  assert.equal(unit.mainExitStatus, null); // running again

  const entries = await journal.read();
  const messages = entries.map((e) => e.message);
  const failedAt = messages.indexOf('dcos-mesos-master.service failed with exit status 3: lost leadership');
  const scheduledAt = messages.indexOf('dcos-mesos-master.service: Scheduled restart job, restart counter is at 1.');
  assert.ok(failedAt >= 0 && scheduledAt > failedAt, messages.join('\n'));
  assert.equal(messages[scheduledAt + 1], 'Starting Mesos Master: distributed systems kernel...');
  assert.ok(messages.includes('dcos-mesos-master.service: Scheduled restart job, restart counter is at 2.'));
  assert.equal(entries[failedAt]!.priority, 3);
  assert.deepEqual(component.calls, ['start', 'stop', 'start', 'stop', 'start']);
  await unit.stop();
});

test('a start that keeps failing keeps being restarted', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t), { restart: 'always', restartSecMs: 20 });
  component.onStart = (_ctx, n) => {
    if (n < 3) throw new Error(`attempt ${n} failed`);
  };
  const up = nextState(unit, reaches('active', 'running'));
  await assert.rejects(unit.start(), UnitError);
  await up;
  assert.equal(unit.nRestarts, 2);
  await unit.stop();
});

test('Restart=no stays failed after a reported failure', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t), { restart: 'no', restartSecMs: 20 });
  await unit.start();
  const failed = nextState(unit, reaches('failed', 'failed'));
  component.lastContext.fail(2, 'crashed');
  await failed;
  // The policy is applied in the same step that enters failed, so a restart would already be scheduled.
  assert.equal(unit.subState, 'failed');
  assert.equal(unit.mainExitStatus, 2);
  assert.equal(unit.nRestarts, 0);
});

test('a clean exit: on-failure stays down, always restarts, RemainAfterExit stays active/exited', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  const onFailure = makeUnit(dir, { name: 'dcos-gen-resolvconf.service', description: 'Generate resolv.conf: updates DNS', restart: 'on-failure', restartSecMs: 20 });
  await onFailure.unit.start();
  const dead = nextState(onFailure.unit, reaches('inactive', 'dead'));
  onFailure.component.lastContext.exit();
  await dead;
  assert.equal(onFailure.unit.mainExitStatus, 0);
  assert.ok((await journalMessages(onFailure.journal)).includes('dcos-gen-resolvconf.service: Deactivated successfully.'));

  const always = makeUnit(dir, { name: 'dcos-spartan-watchdog.service', description: 'DNS Forwarder Watchdog: restarts the forwarder', restart: 'always', restartSecMs: 20 });
  await always.unit.start();
  const back = nextState(always.unit, reaches('active', 'running'));
  always.component.lastContext.exit();
  await back;
  assert.equal(always.unit.nRestarts, 1);
  await always.unit.stop();

  const oneshot = makeUnit(dir, { name: 'dcos-signal.service', description: 'Signal: sends telemetry', remainAfterExit: true });
  oneshot.component.onStart = (ctx) => ctx.exit(); // finishes its work while starting
  await oneshot.unit.start();
  assert.equal(oneshot.unit.activeState, 'active');
  assert.equal(oneshot.unit.subState, 'exited');
  assert.equal(oneshot.unit.mainExitStatus, 0);
  await oneshot.unit.stop();
  assert.equal(oneshot.unit.subState, 'dead');
  assert.deepEqual(oneshot.component.calls, ['start', 'stop']);
});

test('a failure reported while starting fails the start and skips "Started"', NO_HANG, async (t) => {
  const { unit, journal, component } = makeUnit(tempDataDir(t));
  component.onStart = (ctx) => ctx.fail(7, 'config invalid');
  await assert.rejects(unit.start(), /config invalid/);
  assert.equal(unit.activeState, 'failed');
  assert.equal(unit.mainExitStatus, 7);
  assert.ok(!(await journalMessages(journal)).some((m) => m.startsWith('Started')));
});

test('stopping a failed unit makes it inactive without calling the component', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t));
  component.onStart = () => Promise.reject(new Error('no'));
  await assert.rejects(unit.start());
  await unit.stop();
  assert.equal(unit.activeState, 'inactive');
  assert.equal(unit.subState, 'dead');
  assert.equal(unit.mainExitStatus, 1); // the last exit is still reported, as systemd keeps ExecMainStatus
  assert.deepEqual(component.calls, ['start', 'stop']);
});

test('stop cancels a pending automatic restart', NO_HANG, async (t) => {
  // A RestartSec far beyond the test's life: if the timer survived the stop, the test process would not exit.
  const { unit, component } = makeUnit(tempDataDir(t), { restart: 'always', restartSecMs: 3_600_000 });
  await unit.start();
  const waiting = nextState(unit, reaches('activating', 'auto-restart'));
  component.lastContext.fail(1, 'crashed');
  await waiting;
  await unit.stop();
  assert.equal(unit.activeState, 'inactive');
  assert.equal(unit.nRestarts, 0);
  assert.deepEqual(component.calls, ['start', 'stop']);
});

test('reports from an earlier run are ignored', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t), { restart: 'no' });
  await unit.start();
  const first = component.lastContext;
  await unit.restart();
  assert.equal(first.signal.aborted, true);
  first.fail(9, 'late failure from the old run');
  await unit.stop(); // queued after anything the stale report could have queued
  assert.equal(unit.activeState, 'inactive');
  assert.equal(unit.mainExitStatus, 0);
});

test('a start that outlasts TimeoutStartSec fails and aborts the run', NO_HANG, async (t) => {
  const { unit, journal, component } = makeUnit(tempDataDir(t), { timeoutStartMs: 20 });
  component.onStart = (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
  await assert.rejects(unit.start(), /start operation timed out/);
  assert.equal(unit.activeState, 'failed');
  assert.equal(component.contexts[0]!.signal.aborted, true);
  assert.ok((await journalMessages(journal)).some((m) => m.includes('failed with exit status 1: start operation timed out')));
});

test('a stop that throws or times out leaves the unit failed and rejects', NO_HANG, async (t) => {
  const { unit, component } = makeUnit(tempDataDir(t));
  await unit.start();
  component.onStop = () => new Promise(() => undefined); // never finishes
  await assert.rejects(unit.stop({ timeoutMs: 20 }), /stop operation timed out/);
  assert.equal(unit.activeState, 'failed');
  assert.equal(unit.mainExitStatus, 1);

  component.onStop = () => {
    throw new Error('cannot release port');
  };
  await unit.start();
  await assert.rejects(unit.stop(), /cannot release port/);
  assert.equal(unit.subState, 'failed');
});

test('ctx.log writes to the journal; ctx.fail rejects a zero or out-of-range status', NO_HANG, async (t) => {
  const { unit, journal, component } = makeUnit(tempDataDir(t));
  await unit.start();
  component.lastContext.log('elected leader', 5);
  component.lastContext.log('serving');
  assert.throws(() => component.lastContext.fail(0, 'ok'), RangeError);
  assert.throws(() => component.lastContext.fail(256, 'too big'), RangeError);
  const entries = await journal.read({ limit: 2 });
  assert.deepEqual(
    entries.map((e) => [e.priority, e.message]),
    [
      [5, 'elected leader'],
      [6, 'serving'],
    ],
  );
  await unit.stop();
});

test('a unit without behavior is not-found and cannot start', NO_HANG, async (t) => {
  const { unit } = makeUnit(tempDataDir(t), { name: 'dcos-metronome.service', description: 'Metronome: jobs', behavior: undefined });
  assert.equal(unit.loadState, 'not-found');
  await assert.rejects(unit.start(), /Unit dcos-metronome.service not found/);
  await unit.stop();
  assert.equal(unit.activeState, 'inactive');
});

test('names, descriptions and journals are checked at construction', (t) => {
  const dataDir = tempDataDir(t);
  const journal = new UnitJournal({ dataDir, unit: 'dcos-mesos-master.service' });
  const behavior = { start: async () => undefined, stop: async () => undefined };
  const make = (name: string, description: string) => () => new Unit({ name, description, behavior, journal });
  assert.throws(make('../etc/passwd.service', 'X: y'), TypeError);
  assert.throws(make('dcos-mesos-master', 'X: y'), TypeError);
  assert.throws(make('dcos-mesos-master.service', 'Mesos Master'), /Name: description/);
  assert.throws(make('dcos-marathon.service', 'Marathon: container orchestration'), /journal of dcos-mesos-master.service/);
  assert.doesNotThrow(make('dcos-mesos-master.service', 'Mesos Master: distributed systems kernel'));
});
