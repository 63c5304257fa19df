// The legacy bundle API (`/system/health/v1/report/diagnostics/*`) over HTTP, on a master with the v2 cluster routes
// and the legacy façade over the same jobs, and an agent whose node bundle the test holds mid-way: create → 409 while
// running → status with progress → listed and served only once Done (unzip -t, headers, Range) → the v2 API sees the
// same bundle → delete; cancel; name checks; selectors and bodies as dcos-diagnostics answers them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeBundleContent } from '../../diagnostics/bundles/bundle-content.ts';
import type { Bundle } from '../../diagnostics/bundles/bundle-store.ts';
import { legacyBundleId } from '../../diagnostics/bundles/legacy-bundle-names.ts';
import { LEGACY_BUNDLES, legacyBundleAgentPlugin, legacyBundlePlugin } from '../../diagnostics/bundles/legacy-bundle-plugin.ts';
import type { LegacyJobStatus } from '../../diagnostics/bundles/legacy-bundle-status.ts';
import type { ClusterNodeRef } from '../../diagnostics/cluster/cluster-node.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { eventually } from '../support/minidc-cli.ts';
import { deferred, HeldBundleContent, rawRequest, startBundleCluster, zipNames, type BundleCluster } from './bundle-test-support.ts';

const MASTER = '127.0.7.1';
const nodes: ClusterNodeRef[] = [
  { ip: MASTER, role: 'master', mesosId: 'm1', leader: true },
  { ip: '127.0.7.2', role: 'agent', mesosId: 'a1', leader: false },
];
const masterContent: NodeBundleContent = {
  async write(sink) {
    await sink.add('dcos-diagnostics-health.json', JSON.stringify({ ip: MASTER }));
    return [];
  },
};
const agent = new HeldBundleContent();

let cluster: BundleCluster;
let base = '';
let port = 0;

before(async () => {
  cluster = await startBundleCluster({
    prefix: 'minidc-legacy-bundles-',
    nodes,
    content: (n) => (n.ip === MASTER ? masterContent : agent),
    onMaster: async (app, { jobs, coordinator, url }) => {
      await app.register(legacyBundlePlugin, { jobs, coordinator, masterIp: MASTER, masterPort: () => Number(new URL(url()).port) });
    },
  });
  base = cluster.urls.get(MASTER)!;
  port = Number(new URL(base).port);
});
after(() => cluster.close());

interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}
async function call<T>(path: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    signal: AbortSignal.timeout(10_000),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as T };
}
const legacy = <T>(path: string, method = 'GET', body?: string) => call<T>(`${LEGACY_BUNDLES}${path}`, method, body);
const v2 = (id: string) => call<Bundle>(`/system/health/v1/diagnostics/${id}`);
const envelope = (code: number, status: string, bundleName?: string) => ({
  response_http_code: code,
  version: 1,
  status,
  errors: null,
  ...(bundleName === undefined ? {} : { extra: { bundle_name: bundleName } }),
});
const status = async () => (await legacy<LegacyJobStatus>('/status')).body;
const finished = () => eventually('the legacy job to end', async () => ((await status()).is_running ? undefined : true));
async function download(path: string, to: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  await writeFile(to, Buffer.from(await res.arrayBuffer()));
  return res;
}
/** Holds the agent's next node bundle; `started()` resolves once it is under way, and fails if the job ends first. */
function holdAgent(): { started: () => Promise<void> } {
  agent.hold = true;
  agent.entered = deferred();
  agent.release = deferred();
  let entered = false;
  void agent.entered.promise.then(() => (entered = true));
  return {
    started: async () => {
      await eventually("the agent's node bundle to start", async () => {
        if (entered) return true;
        const now = await status();
        if (!now.is_running) throw new Error(`the job ended first: ${now.status} ${now.errors?.join('; ') ?? ''}`);
        return undefined;
      });
    },
  };
}
/** Starts a legacy job held on the agent; resolves with its file name once the agent's node bundle is under way. */
async function createHeld(): Promise<string> {
  const held = holdAgent();
  const created = await legacy<{ extra: { bundle_name: string } }>('/create', 'POST', '{"nodes":["all"]}');
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await held.started();
  return created.body.extra.bundle_name;
}
function releaseAgent(): void {
  agent.hold = false;
  agent.release.resolve();
}
const GO_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/;
const CONFIG_KEYS = [
  'diagnostics_bundle_dir',
  'diagnostics_job_timeout_min',
  'journald_logs_since_hours',
  'diagnostics_job_get_since_url_timeout_min',
  'command_exec_timeout_sec',
  'diagnostics_partition_disk_usage_percent',
];

test('before any job: the status has Go zero values and progress -1; list is [], the /all routes key by master', async () => {
  const before = await status();
  assert.deepEqual(Object.keys(before), [
    'is_running',
    'status',
    'last_bundle_dir',
    'job_started',
    'job_ended',
    'job_duration',
    'job_progress_percentage',
    ...CONFIG_KEYS,
  ]);
  const { diagnostics_partition_disk_usage_percent: disk, ...rest } = before;
  assert.deepEqual(rest, {
    is_running: false,
    status: '',
    last_bundle_dir: '',
    job_started: '0001-01-01 00:00:00 +0000 UTC',
    job_ended: '0001-01-01 00:00:00 +0000 UTC',
    job_duration: '0s',
    job_progress_percentage: -1,
    diagnostics_bundle_dir: cluster.jobs.store.dir,
    diagnostics_job_timeout_min: 30,
    journald_logs_since_hours: '24h',
    diagnostics_job_get_since_url_timeout_min: 1,
    command_exec_timeout_sec: 5,
  });
  assert.equal(typeof disk, 'number');
  assert.deepEqual((await legacy('/list')).body, []);
  assert.deepEqual((await legacy('/list/all')).body, { [`${MASTER}:${port}`]: [] });
  const all = (await legacy<Record<string, LegacyJobStatus>>('/status/all')).body;
  assert.deepEqual(Object.keys(all), [MASTER]);
  assert.equal(all[MASTER]!.job_progress_percentage, -1);
});

test('create → 200 with bundle-YYYY-MM-DD-<unix>.zip; 409 while it runs; listed and served only once Done; v2 agrees; delete', async () => {
  const startedMs = Date.now();
  let name: string;
  try {
    name = await createHeld();
    const [, date, seconds] = /^bundle-(\d{4}-\d\d-\d\d)-(\d+)\.zip$/.exec(name) ?? assert.fail(`bad bundle name ${name}`);
    assert.ok(Number(seconds) >= Math.floor(startedMs / 1000) && Number(seconds) <= Math.ceil(Date.now() / 1000), name);
    assert.equal(date, new Date(Number(seconds) * 1000).toISOString().slice(0, 10), 'the UTC date of its seconds');
    const id = name.slice(0, -'.zip'.length);
    const zipPath = cluster.jobs.store.zipPath(id);

    const second = await legacy('/create', 'POST', '{"nodes":["all"]}');
    assert.equal(second.status, 409);
    assert.deepEqual(second.body, envelope(409, `Job is already running: ${name}`, ''));

    const running = await status();
    assert.equal(running.is_running, true);
    assert.equal(running.last_bundle_dir, zipPath);
    assert.match(running.status, /^(Diagnostics job started, archive will be available at: |START collecting logs |PUT |GET |DELETE )/);
    assert.ok(running.job_progress_percentage >= 0 && running.job_progress_percentage < 100, `${running.job_progress_percentage}`);
    assert.match(running.job_started, GO_TIME);
    assert.equal('job_ended' in running, false, 'no end while running');
    assert.equal('job_duration' in running, false);
    assert.deepEqual((await legacy('/list')).body, [], 'a running bundle is not listed');
    const early = await legacy(`/serve/${name}`);
    assert.equal(early.status, 404);
    assert.deepEqual(early.body, envelope(404, `Bundle not found ${name}`));
    assert.equal((await v2(id)).body.status, 'InProgress');

    releaseAgent();
    await finished();
    const ended = await status();
    assert.equal(ended.status, 'Diagnostics job successfully collected all data');
    assert.equal('errors' in ended, false);
    assert.equal(ended.job_started, running.job_started);
    assert.match(ended.job_ended!, GO_TIME);
    assert.match(ended.job_duration!, /^\d+(\.\d+)?(µs|ms|s)$|^\d+m[\d.]+s$/);
    assert.equal(ended.job_progress_percentage, 100);

    const done = (await v2(id)).body;
    assert.equal(done.status, 'Done');
    assert.equal(done.type, 'Cluster');
    const listed = [{ file_name: `/system/health/v1/report/diagnostics/serve/${name}`, file_size: done.size }];
    assert.deepEqual((await legacy('/list')).body, listed);
    assert.deepEqual((await legacy('/list/all')).body, { [`${MASTER}:${port}`]: listed });

    const zip = join(cluster.dir, name);
    const served = await download(`${LEGACY_BUNDLES}/serve/${name}`, zip);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'application/octet-stream');
    assert.equal(served.headers.get('content-disposition'), `attachment; filename=${name}`);
    assert.equal(Number(served.headers.get('content-length')), done.size);
    assert.match(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' }), /No errors detected/);
    assert.deepEqual(zipNames(zip), [
      '127.0.7.1_master/dcos-diagnostics-health.json',
      '127.0.7.2_agent/dcos-diagnostics-health.json',
      '127.0.7.2_agent/dcos-mesos-master.service',
      'report.json',
      'summaryReport.txt',
    ]);
    const v2Zip = join(cluster.dir, `${id}.v2.zip`);
    await download(`/system/health/v1/diagnostics/${id}/file`, v2Zip);
    assert.equal(execFileSync('cmp', [zip, v2Zip], { encoding: 'utf8' }), '', 'both APIs serve the same file');

    const head = await download(`${LEGACY_BUNDLES}/serve/${name}`, join(cluster.dir, 'head'), { range: 'bytes=0-3' });
    assert.equal(head.status, 206);
    assert.equal(head.headers.get('content-range'), `bytes 0-3/${done.size}`);
    const tail = await download(`${LEGACY_BUNDLES}/serve/${name}`, join(cluster.dir, 'tail'), { range: 'bytes=4-' });
    assert.equal(tail.status, 206);
    execFileSync('sh', ['-c', 'cat head tail > joined && cmp joined "$1"', 'sh', zip], { cwd: cluster.dir });

    const deleted = await legacy(`/delete/${name}`, 'POST');
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.body, envelope(200, `Deleted ${zipPath}`));
    assert.deepEqual((await legacy('/list')).body, []);
    assert.equal((await legacy(`/serve/${name}`)).status, 404);
    assert.equal((await v2(id)).body.status, 'Deleted');
    const again = await legacy(`/delete/${name}`, 'POST');
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, envelope(404, `Bundle not found ${name}`));
  } finally {
    releaseAgent();
  }
});

test('cancel stops the running job (Canceled, the node work aborted): nothing listed or served; 503 when none runs', async () => {
  const idle = await legacy('/cancel', 'POST');
  assert.equal(idle.status, 503);
  assert.deepEqual(idle.body, envelope(503, 'Job is not running'));
  try {
    const abortedBefore = agent.aborted;
    const name = await createHeld();
    const id = name.slice(0, -'.zip'.length);
    const canceled = await legacy('/cancel', 'POST');
    assert.equal(canceled.status, 200);
    assert.deepEqual(canceled.body, envelope(200, 'Attempting to cancel a job, please check job status.'));
    assert.equal((await v2(id)).body.status, 'Canceled');
    assert.equal(agent.aborted, abortedBefore + 1, "the agent's node bundle was stopped too");
    const after = await status();
    assert.equal(after.is_running, false);
    assert.equal(after.status, 'Job canceled');
    assert.match(after.job_ended!, GO_TIME);
    assert.deepEqual((await legacy('/list')).body, []);
    assert.deepEqual((await legacy(`/serve/${name}`)).body, envelope(404, `Bundle not found ${name}`));
    assert.deepEqual(await readdir(cluster.jobs.store.bundleDir(id)), ['state.json'], 'no zip, no temp file');
    assert.equal((await legacy('/cancel', 'POST')).status, 503);
  } finally {
    releaseAgent();
  }
});

test('a cluster bundle started through v2 is the legacy job too: create is 409 naming it, status and cancel see it', async () => {
  const held = holdAgent();
  try {
    assert.equal((await call('/system/health/v1/diagnostics/v2-held', 'PUT')).status, 200);
    await held.started();
    const refused = await legacy('/create', 'POST', '{"nodes":["all"]}');
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.body, envelope(409, 'Job is already running: cluster bundle v2-held', ''));
    const running = await status();
    assert.equal(running.is_running, true);
    assert.equal(running.last_bundle_dir, cluster.jobs.store.zipPath('v2-held'));
    assert.equal((await legacy('/cancel', 'POST')).status, 200);
    assert.equal((await v2('v2-held')).body.status, 'Canceled');
  } finally {
    releaseAgent();
  }
});

test('a Failed bundle is never listed or served, even with a zip left in its directory', async () => {
  const { store } = cluster.jobs;
  const id = 'bundle-2020-01-01-1577836800';
  await store.create(id, 'Cluster');
  await store.update(id, { status: 'Failed', errors: ['node 127.0.7.2 timed out'] });
  await writeFile(store.zipPath(id), 'PK partial');
  assert.deepEqual((await legacy('/list')).body, []);
  assert.deepEqual((await legacy(`/serve/${id}.zip`)).body, envelope(404, `Bundle not found ${id}.zip`));
});

test('file names other than bundle-<id>.zip are 400 (404 when the router has no such route) with a JSON body; nothing is touched', async () => {
  const { store } = cluster.jobs;
  await mkdir(store.dir, { recursive: true });
  const before = (await readdir(store.dir)).sort();
  for (const [path, statuses] of [
    ['..%2Fx', [400]],
    ['%2E%2E%2Fx', [400]],
    ['bundle-x.zip%2F..%2F..', [400]],
    ['bundle-..%2F..%2Fx.zip', [400]],
    ['foo.zip', [400]],
    ['bundle-x', [400]],
    ['../x', [404]],
    ['bundle-x.zip/../..', [404]],
  ] as const) {
    for (const [method, route] of [
      ['GET', 'serve'],
      ['POST', 'delete'],
    ] as const) {
      const res = await rawRequest(base, method, `${LEGACY_BUNDLES}/${route}/${path}`);
      assert.ok((statuses as readonly number[]).includes(res.status), `${method} ${route}/${path}: ${res.status} ${res.body}`);
      const body = JSON.parse(res.body) as { status?: string; message?: string };
      if (res.status === 400) assert.deepEqual(body, envelope(400, 'format allowed  bundle-*.zip'));
      else assert.ok(body.message ?? body.status, res.body);
    }
  }
  assert.deepEqual((await legacy('/serve/bundle-nope.zip')).body, envelope(404, 'Bundle not found bundle-nope.zip'));
  assert.deepEqual((await legacy('/delete/bundle-nope.zip', 'POST')).body, envelope(404, 'Bundle not found bundle-nope.zip'));
  assert.deepEqual((await readdir(store.dir)).sort(), before);
});

test('create: an unknown selector is 503, a bad body 400 without extra; keys match case-insensitively as in Go', async () => {
  const before = (await cluster.jobs.store.list()).length;
  const unknown = await legacy('/create', 'POST', '{"nodes":["10.9.9.9"]}');
  assert.equal(unknown.status, 503);
  assert.deepEqual(unknown.body, envelope(503, 'requested nodes: [10.9.9.9] not found', ''));
  assert.equal((await legacy('/create', 'POST', '{}')).status, 503, 'no selector matches nothing');
  // (A lone string is taken as a one-item list, as fastify's validation coerces every route's arrays.)
  for (const bad of ['{"nodes": ', '{"nodes":{"all":true}}', '{"nodes":[{}]}', '["all"]', '"all"']) {
    const res = await legacy<Record<string, unknown>>('/create', 'POST', bad);
    assert.equal(res.status, 400, bad);
    assert.deepEqual(Object.keys(res.body), ['response_http_code', 'version', 'status', 'errors'], bad);
    assert.equal(res.body.response_http_code, 400);
  }
  assert.equal((await call(`${LEGACY_BUNDLES}/create`, 'POST')).status, 400, 'no body');
  assert.equal((await cluster.jobs.store.list()).length, before, 'no bundle made by a refused create');

  const masters = await legacy<{ extra: { bundle_name: string } }>('/create', 'POST', '{"NODES":["masters"],"Version":1}');
  assert.equal(masters.status, 200, JSON.stringify(masters.body));
  await finished();
  const zip = join(cluster.dir, 'masters.zip');
  assert.equal((await download(`${LEGACY_BUNDLES}/serve/${masters.body.extra.bundle_name}`, zip)).status, 200);
  assert.deepEqual(zipNames(zip), ['127.0.7.1_master/dcos-diagnostics-health.json', 'report.json', 'summaryReport.txt']);
});

test("a name already taken (a job that ended within its first second) moves a create to the next free second", async () => {
  const { store } = cluster.jobs;
  const now = Math.floor(Date.now() / 1000);
  const taken = [0, 1, 2].map((s) => legacyBundleId(now + s));
  for (const id of taken) if ((await store.get(id)) === undefined) await store.create(id, 'Cluster');
  const created = await legacy<{ extra: { bundle_name: string } }>('/create', 'POST', '{"nodes":["masters"]}');
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const seconds = Number(/-(\d+)\.zip$/.exec(created.body.extra.bundle_name)![1]);
  assert.ok(seconds > now + 2, `${created.body.extra.bundle_name} after ${taken.join(', ')}`);
  await finished();
});

test('an agent refuses the legacy job: create 400 and cancel 503 with dcos-diagnostics\' texts', async () => {
  const app = createHttpServer();
  await app.register(legacyBundleAgentPlugin);
  const { url } = await listenHttp(app, '127.0.7.2', 0);
  try {
    const post = async (path: string, body?: string) => {
      const res = await fetch(`${url}${LEGACY_BUNDLES}${path}`, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    assert.deepEqual(await post('/create', '{"nodes":["all"]}'), {
      status: 400,
      body: envelope(400, 'running diagnostics job on agent node is not implemented', ''),
    });
    assert.equal((await post('/create', '{"nodes": ')).status, 400);
    assert.deepEqual(await post('/cancel'), { status: 503, body: envelope(503, 'canceling diagnostics job on agent node is not implemented') });
  } finally {
    await app.close();
  }
});
