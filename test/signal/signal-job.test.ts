// One dcos-signal run against loopback stand-ins for the master's APIs and a batch receiver: the batch's shape and
// every property of every event, a failing source leaving out only its event, sends retried with backoff and
// counted, opt-out and no endpoint reading nothing, the run's cancel honoured, credentials kept out of the journal.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignalJob, type SignalJobOptions } from '../../signal/signal-job.ts';
import type { SignalStatus } from '../../signal/signal-status.ts';
import { fakeMaster, serve, type Failing, type FakeServer, type Recorded } from './fake-cluster.ts';

const CLUSTER_ID = '5b4c3a21-0f9e-4d8c-b7a6-112233445566';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let dir: string;
const servers: FakeServer[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-signal-'));
});
after(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await writeFile(join(dir, 'cluster-id'), `${CLUSTER_ID}\n`);
  await rm(join(dir, 'status.json'), { force: true });
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function track<T extends FakeServer>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

/** A receiver answering each POST with the next status of `statuses` (the last one repeats). */
function receiver(statuses: number[] = [200], onRequest?: (r: Recorded) => void): Promise<FakeServer> {
  let n = 0;
  return track(
    serve((req, res) => {
      res.statusCode = statuses[Math.min(n++, statuses.length - 1)]!;
      res.end('{"success":true}');
      onRequest?.(req);
    }),
  );
}

function job(master: FakeServer, options: Partial<SignalJobOptions> = {}): SignalJob {
  return new SignalJob({
    enabled: true,
    clusterIdPath: join(dir, 'cluster-id'),
    statusPath: join(dir, 'status.json'),
    endpoints: () => ({ diagnostics: master.url, mesos: master.url, marathon: master.url }),
    identity: { environmentVersion: '2.2.0-test', platform: 'minidc', provider: 'onprem' },
    libraryVersion: '0.1.0',
    send: { backoffMs: 1 },
    ...options,
  });
}

function context(signal = new AbortController().signal, onLog?: (message: string) => void) {
  const lines: { message: string; priority: number | undefined }[] = [];
  const log = (message: string, priority?: number) => {
    lines.push({ message, priority });
    onLog?.(message);
  };
  return { ctx: { signal, log }, lines };
}

const status = async () => JSON.parse(await readFile(join(dir, 'status.json'), 'utf8')) as SignalStatus;

interface Batch {
  batch: { type: string; event: string; anonymousId: string; userId?: string; properties: Record<string, unknown>; messageId: string; timestamp: string }[];
  context: unknown;
  messageId: string;
  sentAt: string;
}
const batchOf = (r: Recorded) => JSON.parse(r.body) as Batch;

const COMMON = {
  source: 'cluster',
  customerKey: '',
  environmentVersion: '2.2.0-test',
  clusterId: CLUSTER_ID,
  licenseId: '',
  variant: 'open',
  platform: 'minidc',
  provider: 'onprem',
};

test('a run POSTs one batch: health, mesos_track and package_list with every property DC/OS named', async () => {
  const master = await track(fakeMaster());
  const sink = await receiver();
  const { ctx, lines } = context();
  await job(master, { endpoint: `${sink.url}/v1/batch` }).run(ctx);

  assert.equal(sink.requests.length, 1);
  const [post] = sink.requests;
  assert.equal(post!.method, 'POST');
  assert.equal(post!.url, '/v1/batch');
  assert.match(String(post!.headers['content-type']), /^application\/json/);
  const body = batchOf(post!);
  assert.deepEqual(Object.keys(body), ['batch', 'context', 'messageId', 'sentAt']);
  assert.deepEqual(body.context, { library: { name: 'minidc-signal', version: '0.1.0' } });
  assert.match(body.messageId, UUID);
  assert.match(body.sentAt, ISO);
  assert.deepEqual(
    body.batch.map((e) => e.event),
    ['health', 'mesos_track', 'package_list'],
  );
  for (const e of body.batch) {
    assert.deepEqual(Object.keys(e), ['type', 'event', 'anonymousId', 'properties', 'messageId', 'timestamp'], e.event);
    assert.equal(e.type, 'track');
    assert.equal(e.anonymousId, CLUSTER_ID);
    assert.match(e.messageId, UUID);
    assert.match(e.timestamp, ISO);
  }
  assert.equal(new Set([body.messageId, ...body.batch.map((e) => e.messageId)]).size, 4, 'every message id is its own');

  const [health, mesos, packages] = body.batch;
  assert.deepEqual(health!.properties, {
    'health-unit-dcos-mesos-master-service-total': 1,
    'health-unit-dcos-mesos-master-service-unhealthy': 0,
    'health-unit-dcos-minuteman-service-total': 1,
    'health-unit-dcos-minuteman-service-unhealthy': 1,
    'health-unit-dcos-spartan-service-total': 2,
    'health-unit-dcos-spartan-service-unhealthy': 1,
    // The agent is unhealthy, but not its dcos-telegraf (DCOS-20017's fix).
    'health-unit-dcos-telegraf-service-total': 2,
    'health-unit-dcos-telegraf-service-unhealthy': 0,
    ...COMMON,
  });
  assert.deepEqual(mesos!.properties, {
    frameworks: [{ name: 'marathon' }, { name: 'spark' }],
    cpu_total: 8,
    cpu_used: 1.5,
    mem_total: 16384,
    mem_used: 2048,
    disk_total: 100000,
    disk_used: 512,
    task_count: 4,
    framework_count: 2,
    agents_connected: 3,
    agents_active: 2,
    ...COMMON,
  });
  assert.deepEqual(packages!.properties, {
    package_list: [
      { appId: '/sample', packageInformation: { packageDefinition: { name: 'sample', version: '2026-12-07T10:00:00.000Z' } } },
      { appId: '/kafka', packageInformation: { packageDefinition: { name: 'kafka', version: '2.9.0-1.0' } } },
    ],
    ...COMMON,
  });

  // The report is asked fresh, as dcos-signal asked it.
  assert.ok(master.requests.some((r) => r.url === '/system/health/v1/report?cache=0'));
  assert.match(lines.at(-1)!.message, /^sent health, mesos_track, package_list to http:\/\/127\.0\.0\.1:\d+\/v1\/batch \(1 attempt\)$/);
  const s = await status();
  assert.equal(s.outcome, 'sent');
  assert.deepEqual(s.events_sent, ['health', 'mesos_track', 'package_list']);
  assert.deepEqual([s.batches_sent_total, s.batches_failed_total, s.send_failures_total], [1, 0, 0]);
});

test('a failing source leaves out only its own event, and says why in the journal', async () => {
  const cases: [Failing, string][] = [
    [new Set(['report']), 'health'],
    [new Set(['frameworks']), 'mesos_track'],
    [new Set(['snapshot']), 'mesos_track'],
    [new Set(['apps']), 'package_list'],
  ];
  for (const [failing, missing] of cases) {
    const master = await track(fakeMaster(failing));
    const sink = await receiver();
    const { ctx, lines } = context();
    await job(master, { endpoint: sink.url }).run(ctx);
    const events = batchOf(sink.requests[0]!).batch.map((e) => e.event);
    assert.deepEqual(events, ['health', 'mesos_track', 'package_list'].filter((e) => e !== missing), [...failing].join());
    const warning = lines.find((l) => l.message.startsWith(`${missing} left out of this batch: GET ${master.url}/`));
    assert.ok(warning, JSON.stringify(lines));
    assert.match(warning.message, /HTTP 500/);
    assert.equal(warning.priority, 4);
    assert.deepEqual((await status()).events_skipped.map((s) => s.event), [missing]);
  }
});

test('a master without the marathon endpoint yet: package_list is left out naming the endpoint', async () => {
  const master = await track(fakeMaster());
  const sink = await receiver();
  const { ctx, lines } = context();
  await job(master, { endpoint: sink.url, endpoints: () => ({ diagnostics: master.url, mesos: master.url }) }).run(ctx);
  assert.deepEqual(batchOf(sink.requests[0]!).batch.map((e) => e.event), ['health', 'mesos_track']);
  assert.ok(lines.some((l) => /package_list left out.*'marathon' endpoint/.test(l.message)), JSON.stringify(lines));
});

test('no source answering fails the run and sends nothing', async () => {
  const master = await track(fakeMaster(new Set(['report', 'frameworks', 'apps'])));
  const sink = await receiver();
  const { ctx } = context();
  await assert.rejects(job(master, { endpoint: sink.url }).run(ctx), /no source answered/);
  assert.equal(sink.requests.length, 0);
  assert.equal((await status()).outcome, 'nothing-collected');
});

test('a failed send is retried with backoff and every failed attempt counted', async () => {
  const master = await track(fakeMaster());
  const sink = await receiver([503, 503, 200]);
  const { ctx, lines } = context();
  await job(master, { endpoint: sink.url }).run(ctx);
  assert.equal(sink.requests.length, 3);
  // The same batch each time.
  assert.equal(new Set(sink.requests.map((r) => r.body)).size, 1);
  const failed = lines.filter((l) => l.message.startsWith('send attempt'));
  assert.deepEqual(
    failed.map((l) => l.message.replace(`${sink.url}/`, 'URL')),
    [
      'send attempt 1 failed: POST URL: HTTP 503 Service Unavailable (failed attempts so far: 1)',
      'send attempt 2 failed: POST URL: HTTP 503 Service Unavailable (failed attempts so far: 2)',
    ],
  );
  assert.match(lines.at(-1)!.message, /\(3 attempts\)$/);
  const s = await status();
  assert.deepEqual([s.outcome, s.send_attempts, s.batches_sent_total, s.send_failures_total], ['sent', 3, 1, 2]);
});

test('a batch never accepted fails the run; the counts carry over to the next runs and across a new job', async () => {
  const master = await track(fakeMaster());
  const down = await receiver([500]);
  const { ctx, lines } = context();
  await assert.rejects(job(master, { endpoint: down.url }).run(ctx), /HTTP 500 .*attempt 3 of 3; batch given up/);
  assert.equal(down.requests.length, 3);
  assert.ok(lines.some((l) => l.priority === 3 && l.message.startsWith('batch of 3 events not sent')));
  let s = await status();
  assert.deepEqual([s.outcome, s.batches_failed_total, s.send_failures_total], ['send-failed', 1, 3]);
  assert.match(s.last_error!, /HTTP 500/);

  // A refusal (400) is not retried: the same batch would be refused again.
  const refusing = await receiver([400]);
  const again = job(master, { endpoint: refusing.url });
  await assert.rejects(again.run(context().ctx), /HTTP 400 .*attempt 1 of 3/);
  assert.equal(refusing.requests.length, 1);
  s = await status();
  assert.deepEqual([s.batches_failed_total, s.send_failures_total], [2, 4]);

  // A network failure (nothing listening) is retried like a 5xx; a new job (a restart) carries the counts on.
  const gone = await receiver();
  await gone.close();
  servers.splice(servers.indexOf(gone), 1);
  await assert.rejects(job(master, { endpoint: gone.url }).run(context().ctx), /ECONNREFUSED.*attempt 3 of 3/);
  s = await status();
  assert.deepEqual([s.batches_failed_total, s.send_failures_total, s.batches_sent_total], [3, 7, 0]);
});

test('telemetry_enabled false: nothing is collected (no source sees a request) and nothing is sent', async () => {
  const master = await track(fakeMaster());
  const sink = await receiver();
  const { ctx, lines } = context();
  await job(master, { enabled: false, endpoint: sink.url }).run(ctx);
  assert.equal(master.requests.length, 0);
  assert.equal(sink.requests.length, 0);
  assert.deepEqual(lines.map((l) => l.message), ['telemetry is off (telemetry_enabled: false): nothing collected or sent']);
  await assert.rejects(readFile(join(dir, 'status.json')), { code: 'ENOENT' });
});

test('no signal_endpoint (the default): nothing is collected or sent', async () => {
  const master = await track(fakeMaster());
  const { ctx, lines } = context();
  await job(master).run(ctx);
  assert.equal(master.requests.length, 0);
  assert.match(lines[0]!.message, /^no signal_endpoint configured: nothing collected or sent/);
});

test("the run's cancel ends a wait between attempts at once", async () => {
  const master = await track(fakeMaster());
  const cancel = new AbortController();
  const sink = await receiver([503]);
  // Cancelled once the first attempt has failed, i.e. while the run waits to retry.
  const { ctx } = context(cancel.signal, (message) => message.startsWith('send attempt 1 failed') && cancel.abort());
  // An hour's backoff: only the cancel can end this run.
  await assert.rejects(job(master, { endpoint: sink.url, send: { backoffMs: 3_600_000 } }).run(ctx), /cancelled while waiting to retry \(after 1 attempts\)/);
  assert.equal(sink.requests.length, 1);
});

test('credentials in the endpoint go into an Authorization header and never into the journal or status', async () => {
  const master = await track(fakeMaster());
  const sink = await receiver();
  const { ctx, lines } = context();
  const endpoint = `${sink.url.replace('http://', 'http://WRITEKEY123:@')}/v1/batch?token=QUERYSECRET`;
  await job(master, { endpoint }).run(ctx);
  assert.equal(sink.requests[0]!.headers.authorization, `Basic ${Buffer.from('WRITEKEY123:').toString('base64')}`);
  assert.equal(sink.requests[0]!.url, '/v1/batch?token=QUERYSECRET');
  const written = JSON.stringify(lines) + (await readFile(join(dir, 'status.json'), 'utf8'));
  assert.doesNotMatch(written, /WRITEKEY123|QUERYSECRET/);
});

test('without the cluster id the run fails naming the file, having sent nothing', async () => {
  const master = await track(fakeMaster());
  const sink = await receiver();
  await rm(join(dir, 'cluster-id'));
  await assert.rejects(job(master, { endpoint: sink.url }).run(context().ctx), /cannot read the cluster id from .*cluster-id: ENOENT/);
  assert.equal(sink.requests.length, 0);
});
