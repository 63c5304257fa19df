// The DNS watchdog on a real node: one run of dcos-spartan-watchdog.service (started as its timer starts it) finds
// the forwarder, hung through its fault route, restarts its unit, counts it on the node's /metrics, and the
// forwarder answers ready.spartan again; the service's journal says why. Plus the job's own rules (one retry, a
// failed restart fails the run) with stand-ins for the lookup and the unit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SERVICES } from '../../../app/node-services.ts';
import { Cluster } from '../../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../../runtime/cluster/cluster-config.ts';
import type { ClusterNode } from '../../../runtime/cluster/node-service.ts';
import { DNS_FORWARDER_UNIT } from '../../../runtime/dns/forwarder/dns-forwarder-service.ts';
import { DnsWatchdog } from '../../../runtime/timers/dns/dns-watchdog.ts';
import { probeReadySpartan } from '../../../runtime/timers/dns/ready-spartan-probe.ts';
import type { TimerJobContext } from '../../../runtime/timers/timer-job.ts';

/** A run's context: never aborted, journal lines collected. */
function runContext(): TimerJobContext & { lines: string[] } {
  const lines: string[] = [];
  return { signal: new AbortController().signal, log: (message) => void lines.push(message), lines };
}

let dir = '';
let cluster: Cluster;
let master: ClusterNode;
const WATCHDOG = 'dcos-spartan-watchdog.service';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-dns-watchdog-'));
  const config = loadClusterConfig({ dataDir: join(dir, 'data'), ports: 'ephemeral', agents: '0', publicAgents: '0', sample: false });
  cluster = new Cluster({ ...config, executor: 'simulated', upstreamResolvers: [] }, NODE_SERVICES);
  await cluster.start();
  master = cluster.nodes[0]!;
});

after(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

async function setHung(hang: boolean): Promise<Response> {
  return fetch(`${master.endpoints.dns_forwarder_api}/v1/fault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hang }),
    signal: AbortSignal.timeout(5000),
  });
}

async function restartsOnMetrics(): Promise<number | undefined> {
  const text = await (await fetch(`${master.endpoints.metrics}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith('minidc_dns_watchdog_restarts_total'));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** One watchdog run, as its timer triggers it (a start of the oneshot service); resolves with what it journalled. */
async function runWatchdog(): Promise<string[]> {
  const since = Date.now();
  await master.units.get(WATCHDOG)!.start();
  const { entries } = await master.units.reader().readJournal(WATCHDOG, { since });
  // The unit's own lines (Starting…, Deactivated…) are not the job's.
  return entries.map((e) => e.message).filter((m) => !/^(Starting|Started|Stopping|Stopped) |Deactivated successfully/.test(m));
}

const forwarderJournal = async () => (await master.units.reader().readJournal(DNS_FORWARDER_UNIT, { tail: 50 })).entries.map((e) => e.message);

test('a healthy forwarder: the run resolves ready.spartan and restarts nothing', async () => {
  const startedBefore = master.units.get(DNS_FORWARDER_UNIT)!.timestamps.activeEnter;
  assert.deepEqual(await runWatchdog(), []);
  assert.equal(master.units.get(WATCHDOG)!.activeState, 'inactive', 'a good run');
  assert.deepEqual(master.units.get(DNS_FORWARDER_UNIT)!.timestamps.activeEnter, startedBefore, 'not restarted');
  assert.equal(await restartsOnMetrics(), 0, 'the counter is on the node /metrics from the start');
});

test('a hung forwarder (unit still active) is restarted by one run, counted on /metrics, and answers again', async () => {
  const server = master.endpoints.dns_forwarder!;
  assert.equal((await setHung(true)).status, 200);
  await assert.rejects(probeReadySpartan(server, { timeoutMs: 300 }), /ETIMEOUT/, 'hung: no answer');
  const unit = master.units.get(DNS_FORWARDER_UNIT)!;
  assert.equal(unit.activeState, 'active', 'hung is not dead: the unit still looks fine');
  const startedBefore = unit.timestamps.activeEnter!.monotonicUs;

  const lines = await runWatchdog();

  assert.equal(master.units.get(WATCHDOG)!.activeState, 'inactive', 'a good run: the forwarder was restarted');
  assert.equal(unit.activeState, 'active');
  assert.ok(unit.timestamps.activeEnter!.monotonicUs > startedBefore, 'the forwarder unit was restarted');
  assert.deepEqual(await probeReadySpartan(server, { timeoutMs: 1000 }), ['127.0.0.1'], 'it answers again, on the same address');
  assert.equal(await restartsOnMetrics(), 1);
  assert.match(lines[0]!, /^ready\.spartan not answered by dcos-spartan\.service on .+ \(queryA ETIMEOUT ready\.spartan; queryA ETIMEOUT ready\.spartan\): restarting dcos-spartan\.service$/);
  assert.equal(lines[1], 'restarted dcos-spartan.service');
  const journal = await forwarderJournal();
  assert.ok(journal.some((m) => m.startsWith('Stopping ')) && journal.some((m) => m.startsWith('Started ')), journal.join('\n'));

  assert.deepEqual(await runWatchdog(), [], 'healthy again: the next run restarts nothing');
  assert.equal(await restartsOnMetrics(), 1);
});

test('the fault route takes {"hang": boolean} only', async () => {
  const post = (body: string) =>
    fetch(`${master.endpoints.dns_forwarder_api}/v1/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
  for (const body of ['{"hang":"yes"}', '{}', '[]', 'hang']) {
    const res = await post(body);
    assert.equal(res.status, 400, body);
    assert.equal(typeof ((await res.json()) as { message?: unknown }).message, 'string');
  }
  const res = await setHung(false);
  assert.deepEqual(await res.json(), { hang: false });
  assert.deepEqual(await probeReadySpartan(master.endpoints.dns_forwarder!, { timeoutMs: 1000 }), ['127.0.0.1']);
});

test('one failed lookup is retried before anything is restarted', async () => {
  let restarts = 0;
  let lookups = 0;
  const job = new DnsWatchdog({
    unit: 'dcos-spartan.service',
    forwarderAddress: () => '127.0.0.1:5353',
    restartForwarder: async () => void restarts++,
    countRestart: () => undefined,
    probe: async () => {
      if (++lookups === 1) throw new Error('queryA ETIMEOUT ready.spartan');
      return ['127.0.0.1'];
    },
  });
  const ctx = runContext();
  await job.run(ctx);
  assert.equal(restarts, 0);
  assert.equal(lookups, 2);
  assert.deepEqual(ctx.lines, ['ready.spartan answered by 127.0.0.1:5353 on attempt 2 (first: queryA ETIMEOUT ready.spartan)']);
});

test('a restart that fails fails the run, and is still counted', async () => {
  let counted = 0;
  const job = new DnsWatchdog({
    unit: 'dcos-spartan.service',
    forwarderAddress: () => '127.0.0.1:5353',
    restartForwarder: () => Promise.reject(new Error('Job for dcos-spartan.service failed: address in use')),
    countRestart: () => void counted++,
    probe: () => Promise.reject(new Error('queryA ECONNREFUSED ready.spartan')),
  });
  await assert.rejects(job.run(runContext()), { message: 'restarting dcos-spartan.service failed: Job for dcos-spartan.service failed: address in use' });
  assert.equal(counted, 1);
  const unbound = new DnsWatchdog({ ...{ unit: 'dcos-spartan.service', restartForwarder: async () => undefined, countRestart: () => undefined }, forwarderAddress: () => undefined });
  await assert.rejects(unbound.run(runContext()), /has no DNS address yet/);
});
