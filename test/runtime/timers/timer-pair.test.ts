// A timer pair on one node's registry, placed from `timerServices(spec)` as the cluster places descriptors, with a
// per-second node-cron schedule: each trigger is one oneshot run; a failed run leaves the service failed until a
// good run; a run still going is not stacked; the first-run delay; list-timers times (and the node's
// /system/health/v1/timers route); stopping ends a run.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterConfig } from '../../../runtime/cluster/cluster-config.ts';
import type { ClusterNode, NodeServiceContext } from '../../../runtime/cluster/node-service.ts';
import type { TimerJob, TimerJobContext } from '../../../runtime/timers/timer-job.ts';
import { timerServices, type TimerServiceSpec } from '../../../runtime/timers/timer-service.ts';
import { UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';
import { unitSnapshot } from '../../../runtime/units/unit-snapshot.ts';
import { Unit, type UnitBehavior } from '../../../runtime/units/unit.ts';
import { nodeTimers, type NodeTimer } from '../../../diagnostics/health/node-timers.ts';
import { nodeHealth } from '../../../diagnostics/health/node-health.ts';
import { nodeHealthPlugin } from '../../../diagnostics/node/node-health-plugin.ts';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { eventually } from '../../support/minidc-cli.ts';
import { journalMessages, tempDataDir } from '../units/unit-fixtures.ts';

const EVERY_SECOND = '* * * * * *';

/** Places the pair on a registry the way runtime/cluster/cluster.ts does, and starts what the node starts. */
async function place(t: TestContext, job: TimerJob, extra: Partial<TimerServiceSpec> = {}) {
  const dataDir = tempDataDir(t);
  const units = new UnitRegistry();
  const behaviors = new Map<string, UnitBehavior>();
  const spec: TimerServiceSpec = { name: 'dcos-test-job', description: 'Test Job: runs on a schedule', roles: ['master'], schedule: () => EVERY_SECOND, create: () => job, ...extra };
  for (const d of timerServices(spec)) {
    const ctx = { cluster: { config: {} as ClusterConfig }, node: { units } as unknown as ClusterNode, peer: (u: string) => behaviors.get(u) } as NodeServiceContext;
    const behavior = d.create(ctx);
    behaviors.set(d.unit, behavior);
    units.add(
      new Unit({
        name: d.unit,
        description: d.description,
        behavior,
        journal: new UnitJournal({ dataDir, unit: d.unit }),
        restart: d.triggeredBy ? 'no' : 'always',
        timeoutStartMs: d.triggeredBy?.runTimeoutMs ?? 60_000,
      }),
    );
  }
  const service = units.get('dcos-test-job.service')!;
  const timer = units.get('dcos-test-job.timer')!;
  t.after(() => units.stopAll());
  await timer.start();
  return { service, timer, units };
}

class CountingJob implements TimerJob {
  runs = 0;
  failNext: string | undefined;
  hold: Promise<void> | undefined;
  signals: AbortSignal[] = [];
  async run(ctx: TimerJobContext): Promise<void> {
    this.runs++;
    this.signals.push(ctx.signal);
    ctx.log(`run ${this.runs}`);
    // A well-behaved job gives up when its signal is aborted.
    if (this.hold) await Promise.race([this.hold, new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)))]);
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw new Error(failure);
  }
}

test('each trigger is one run; a good run leaves the service inactive (exit 0), its journal says so; the timer is active/waiting', async (t) => {
  const job = new CountingJob();
  const { service, timer } = await place(t, job);
  assert.equal(service.activeState, 'inactive', 'the node does not start a triggered service itself');
  assert.equal(timer.activeState, 'active');
  assert.equal(timer.subState, 'waiting');
  await eventually('two runs', async () => (job.runs >= 2 && service.activeState === 'inactive' ? true : undefined));
  assert.equal(service.mainExitStatus, 0);
  const lines = await journalMessages(service.journal);
  assert.ok(lines.includes('run 1') && lines.some((l) => /Deactivated successfully/.test(l)), lines.join('\n'));
});

test('a failed run leaves the service failed with the reason until the next good run', async (t) => {
  const job = new CountingJob();
  job.failNext = 'the disk is on fire';
  const { service } = await place(t, job);
  await eventually('the failed run', async () => (service.activeState === 'failed' ? true : undefined));
  assert.equal(service.mainExitStatus, 1);
  assert.ok((await journalMessages(service.journal)).some((l) => l.includes('failed with exit status 1: the disk is on fire')));
  await eventually('a good run after it', async () => (service.activeState === 'inactive' && service.mainExitStatus === 0 ? true : undefined));
});

test('a run still going is not stacked: triggers meanwhile are skipped, journalled and counted', async (t) => {
  const job = new CountingJob();
  let release!: () => void;
  job.hold = new Promise((resolve) => (release = resolve));
  const { service, timer } = await place(t, job);
  await eventually('a skipped trigger', async () => ((await journalMessages(timer.journal)).some((l) => /still running its last run; not starting another/.test(l)) ? true : undefined));
  assert.equal(job.runs, 1);
  assert.equal(service.activeState, 'activating');
  release();
  job.hold = undefined;
  await eventually('the next run', async () => (job.runs >= 2 ? true : undefined));
});

test('no trigger within the first delay; next and last run times are in the unit JSON', async (t) => {
  const job = new CountingJob();
  const before = Date.now();
  const { timer } = await place(t, job, { firstDelayMs: () => 3_000 });
  const snapshot = unitSnapshot(timer);
  assert.equal(snapshot.timer?.activates, 'dcos-test-job.service');
  assert.equal(snapshot.timer?.last, null);
  assert.ok(Date.parse(snapshot.timer!.next!) >= before + 3_000, `next ${snapshot.timer?.next} is after the delay`);
  assert.equal(job.runs, 0);
  await eventually('the first run', async () => (job.runs >= 1 ? true : undefined));
  const last = unitSnapshot(timer).timer!.last;
  assert.ok(last !== null && Date.parse(last) >= before + 3_000, `last run ${last} not before the delay`);
});

test('a first delay longer than the interval: next is the first run after it, and listing it stays cheap', async (t) => {
  const before = Date.now();
  const { timer } = await place(t, new CountingJob(), { schedule: () => '*/5 * * * *', firstDelayMs: () => 3_600_000 });
  const next = Date.parse(unitSnapshot(timer).timer!.next!);
  const fiveMinutes = 5 * 60_000;
  assert.ok(next >= before + 3_600_000 && next < Date.now() + 3_600_000 + fiveMinutes, `next ${new Date(next).toISOString()}`);
  assert.equal(next % fiveMinutes, 0);
  // Each health request lists the timers: searching 10,000 runs ahead on each took ~0.4 s, so 100 listings ~40 s.
  const started = Date.now();
  for (let i = 0; i < 100; i++) assert.equal(Date.parse(unitSnapshot(timer).timer!.next!), next);
  assert.ok(Date.now() - started < 2_000, `100 listings took ${Date.now() - started} ms`);
});

test('runAtStart: one run as the timer starts, before its schedule first fires', async (t) => {
  const job = new CountingJob();
  // Once a year: only the start itself can trigger a run during this test.
  const { service, timer } = await place(t, job, { schedule: () => '0 0 1 1 *', runAtStart: true });
  await eventually('the run at start', async () => (job.runs === 1 && service.activeState === 'inactive' ? true : undefined));
  assert.ok(unitSnapshot(timer).timer!.last !== null, 'the run at start is the last trigger');
});

test('stopping the timer tells a run in progress to give up; the run ends failed with that reason', async (t) => {
  const job = new CountingJob();
  job.hold = new Promise(() => undefined);
  const { service, timer } = await place(t, job);
  await eventually('a run under way', async () => (job.runs === 1 ? true : undefined));
  await timer.stop();
  assert.equal(job.signals[0]!.aborted, true);
  await eventually('the run over', async () => (service.activeState === 'failed' ? true : undefined));
  assert.ok((await journalMessages(service.journal)).some((l) => l.includes('failed with exit status 1: its timer stopped')));
});

test('an invalid schedule is refused when the pair is placed', () => {
  assert.throws(
    () => timerServices({ name: 'dcos-bad', description: 'Bad: schedule', roles: ['master'], schedule: () => 'every tuesday', create: () => new CountingJob() })[1]!.create({ cluster: { config: {} }, node: { units: new UnitRegistry() }, peer: () => undefined } as unknown as NodeServiceContext),
    /invalid schedule 'every tuesday' for dcos-bad.service/,
  );
});

test('GET /system/health/v1/timers lists the timer with next and last run and how the last run ended; health follows the run', async (t) => {
  const job = new CountingJob();
  job.failNext = 'upstream refused';
  const { units } = await place(t, job);
  const identity = { hostname: 'h', ip: '127.0.0.1', dcos_version: '', node_role: 'master', mesos_id: '', dcos_diagnostics_version: '' };
  const app = createHttpServer();
  await app.register(nodeHealthPlugin, { health: () => nodeHealth(units.reader(), identity), timers: () => nodeTimers(units.reader()) });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(() => app.close());
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${url}/system/health/v1${path}`, { signal: AbortSignal.timeout(5_000) })).json()) as T;
  const health = async () => (await get<{ units: { id: string; health: number }[] }>('')).units.find((u) => u.id === 'dcos-test-job.service')?.health;
  const failed = await eventually('the failed run listed', async () => {
    const { timers } = await get<{ timers: NodeTimer[] }>('/timers');
    return timers[0]?.last_result === 'failed' ? timers : undefined;
  });
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.unit, 'dcos-test-job.timer');
  assert.equal(failed[0]!.activates, 'dcos-test-job.service');
  assert.ok(Date.parse(failed[0]!.next!) > Date.parse(failed[0]!.last!));
  assert.equal(await health(), 1, 'a failed run makes the service unhealthy');
  await eventually('a good run listed', async () => ((await get<{ timers: NodeTimer[] }>('/timers')).timers[0]?.last_result === 'succeeded' ? true : undefined));
  assert.equal(await health(), 0, 'healthy again after a good run');
});
