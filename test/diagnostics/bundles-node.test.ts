// The node level of the v2 bundle API over HTTP, on one diagnostics server with the bundle routes and a content
// the test controls: the lifecycle (PUT → Done → file passes `unzip -t` → DELETE → 410), 409, rejected ids, a
// bundle not Done never served, cancel really stopping the work, content errors, timeout, retention, disk guard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BundleJobs } from '../../diagnostics/bundles/bundle-jobs.ts';
import { BundleStore, type Bundle } from '../../diagnostics/bundles/bundle-store.ts';
import { nodeBundlePlugin } from '../../diagnostics/bundles/node-bundle-plugin.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { systemTime } from '../../runtime/time/system-time.ts';
import { eventually } from '../support/minidc-cli.ts';
import { deferred, HeldBundleContent, rawRequest, zipNames } from './bundle-test-support.ts';

let dir: string;
let app: FastifyInstance;
let base: string;
const content = new HeldBundleContent();

async function server(bundleDir: string, options: { retention?: number; minFreeBytes?: number; timeoutMs?: number } = {}) {
  const store = new BundleStore({ dir: bundleDir, clock: systemTime, ...options });
  const jobs = new BundleJobs({ store, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  const server = createHttpServer();
  await server.register(nodeBundlePlugin, { jobs, content });
  const { url } = await listenHttp(server, '127.0.0.1', 0);
  return { server, url: `${url}/system/health/v1/node/diagnostics`, jobs };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-bundles-node-'));
  ({ server: app, url: base } = await server(join(dir, 'bundles')));
});
after(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (url: string, method = 'GET') => fetch(url, { method, signal: AbortSignal.timeout(10_000) });
async function json<T>(url: string, method = 'GET', status = 200): Promise<T> {
  const res = await call(url, method);
  const body = await res.text();
  assert.equal(res.status, status, `${method} ${url}: ${body}`);
  return JSON.parse(body) as T;
}
const done = (url: string, id: string) =>
  eventually(`bundle ${id} done`, async () => {
    const b = await json<Bundle>(`${url}/${id}`);
    return b.status === 'Done' || b.status === 'Failed' ? b : undefined;
  });
async function download(url: string, to: string): Promise<Response> {
  const res = await call(url);
  await writeFile(to, Buffer.from(await res.arrayBuffer()));
  return res;
}

test('PUT → InProgress → Done; the file passes unzip -t; DELETE → Deleted, 410; a second PUT is 409', async () => {
  const created = await json<Bundle>(`${base}/b1`, 'PUT');
  assert.deepEqual(Object.keys(created), ['id', 'type', 'status', 'started_at', 'stopped_at']);
  assert.equal(created.type, 'Local');
  assert.equal(created.status, 'Started');
  assert.equal(created.stopped_at, '0001-01-01T00:00:00Z');
  assert.match(created.started_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const finished = await done(base, 'b1');
  assert.equal(finished.status, 'Done');
  assert.ok(finished.size! > 0);
  assert.deepEqual(Object.keys(finished), ['id', 'type', 'size', 'status', 'started_at', 'stopped_at']);

  const zip = join(dir, 'b1.zip');
  const res = await download(`${base}/b1/file`, zip);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip, application/octet-stream');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename=b1.zip');
  assert.match(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' }), /No errors detected/);
  assert.deepEqual(zipNames(zip), ['dcos-diagnostics-health.json', 'dcos-mesos-master.service']);

  const ranged = await fetch(`${base}/b1/file`, { headers: { range: 'bytes=0-3' }, signal: AbortSignal.timeout(10_000) });
  assert.equal(ranged.status, 206);
  assert.deepEqual([...Buffer.from(await ranged.arrayBuffer())], [0x50, 0x4b, 0x03, 0x04]);

  assert.deepEqual(await json(`${base}/b1`, 'PUT', 409), { code: 409, error: 'bundle b1 already exists' });
  assert.deepEqual(await json(`${base}`), [finished]);

  const deleted = await json<Bundle>(`${base}/b1`, 'DELETE');
  assert.equal(deleted.status, 'Deleted');
  assert.equal(deleted.size, undefined);
  assert.deepEqual(await json(`${base}/b1/file`, 'GET', 410), { code: 410, error: 'bundle b1 was Deleted' });
  assert.equal((await json<Bundle>(`${base}/b1`, 'DELETE')).status, 'Deleted', 'deleting again answers the state');
  assert.equal(existsSync(join(dir, 'bundles', 'b1', 'file.zip')), false);
  assert.deepEqual(await json(`${base}/b1`, 'PUT', 409), { code: 409, error: 'bundle b1 already exists' });

  assert.deepEqual(await json(`${base}/nothing`, 'GET', 404), { code: 404, error: 'bundle nothing not found' });
  assert.deepEqual(await json(`${base}/nothing`, 'DELETE', 404), { code: 404, error: 'bundle nothing not found' });
  assert.deepEqual(await json(`${base}/nothing/file`, 'GET', 404), { code: 404, error: 'bundle nothing not found' });
});

test('ids with .., %2e%2e or slashes are refused and make nothing outside the bundle dir', async () => {
  // Sent as raw request targets: fetch's URL parser would resolve `..` and `%2e%2e` before sending.
  for (const [path, statuses] of [
    ['..', [400, 404]],
    ['%2e%2e', [400]],
    ['%2E%2E%2Fescape', [400]],
    ['a%2Fb', [400]],
    ['..%2F..%2Fescape', [400]],
    ['.hidden', [400]],
    ['-x', [400]],
    ['a/b', [404]],
    ['../../escape', [400, 404]],
  ] as const) {
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const status = await rawStatus(method, `${new URL(base).pathname}/${path}`);
      assert.ok((statuses as readonly number[]).includes(status), `${method} ${path}: ${status}`);
    }
    assert.ok([400, 404].includes(await rawStatus('GET', `${new URL(base).pathname}/${path}/file`)));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['b1.zip', 'bundles']);
  assert.deepEqual(readdirSync(join(dir, 'bundles')), ['b1']);
});

test('a bundle not Done is never served; cancel aborts the work, removes the temp file, status Canceled', async () => {
  content.hold = true;
  content.entered = deferred();
  try {
    await json(`${base}/held`, 'PUT');
    await content.entered.promise;
    const running = await json<Bundle>(`${base}/held`);
    assert.equal(running.status, 'InProgress');
    assert.ok(existsSync(join(dir, 'bundles', 'held', 'file.zip.tmp')));
    assert.deepEqual(await json(`${base}/held/file`, 'GET', 404), {
      code: 404,
      error: 'bundle held is not done yet (status InProgress), try again later',
    });

    const canceled = await json<Bundle>(`${base}/held`, 'DELETE');
    assert.equal(canceled.status, 'Canceled');
    assert.notEqual(canceled.stopped_at, '0001-01-01T00:00:00Z');
    assert.equal(content.aborted, 1, "the work's abort signal fired");
    assert.equal(content.returned, true, 'the content had returned when the DELETE answered');
    assert.deepEqual(readdirSync(join(dir, 'bundles', 'held')), ['state.json'], 'no temp file, no zip');
    assert.deepEqual(await json(`${base}/held/file`, 'GET', 410), { code: 410, error: 'bundle held was Canceled' });
  } finally {
    content.hold = false;
    content.release.resolve();
  }
});

test('errors the content returns are the bundle errors and summaryErrorsReport.txt at the zip root', async () => {
  content.errors = ['ps: exited 1', 'GET http://x/state: timeout'];
  try {
    await json(`${base}/witherrors`, 'PUT');
    const b = await done(base, 'witherrors');
    assert.equal(b.status, 'Done');
    assert.deepEqual(b.errors, content.errors);
    const zip = join(dir, 'witherrors.zip');
    await download(`${base}/witherrors/file`, zip);
    assert.ok(zipNames(zip).includes('summaryErrorsReport.txt'));
    assert.equal(execFileSync('unzip', ['-p', zip, 'summaryErrorsReport.txt'], { encoding: 'utf8' }), 'ps: exited 1\nGET http://x/state: timeout\n');
  } finally {
    content.errors = [];
  }
});

test('the whole-bundle timeout fails a bundle that runs too long (410, no file)', async () => {
  const other = await server(join(dir, 'timeout-bundles'), { timeoutMs: 200 });
  content.hold = true;
  content.release = deferred();
  try {
    await json(`${other.url}/slow`, 'PUT');
    const b = await done(other.url, 'slow');
    assert.equal(b.status, 'Failed');
    assert.deepEqual(b.errors, ['bundle slow did not finish within 200 ms']);
    assert.deepEqual(await json(`${other.url}/slow/file`, 'GET', 410), { code: 410, error: 'bundle slow was Failed' });
    assert.deepEqual(readdirSync(join(dir, 'timeout-bundles', 'slow')), ['state.json']);
  } finally {
    content.hold = false;
    content.release.resolve();
    await other.server.close();
  }
});

test('retention keeps the newest N; the disk guard refuses a bundle with 507', async () => {
  const kept = await server(join(dir, 'retention-bundles'), { retention: 2 });
  try {
    for (const id of ['r1', 'r2', 'r3']) {
      await json(`${kept.url}/${id}`, 'PUT');
      await done(kept.url, id);
    }
    assert.deepEqual((await json<Bundle[]>(kept.url)).map((b) => b.id), ['r2', 'r3']);
    assert.deepEqual(readdirSync(join(dir, 'retention-bundles')).sort(), ['r2', 'r3']);
  } finally {
    await kept.server.close();
  }
  const full = await server(join(dir, 'full-bundles'), { minFreeBytes: Number.MAX_SAFE_INTEGER });
  try {
    const refused = await json<{ code: number; error: string }>(`${full.url}/big`, 'PUT', 507);
    assert.equal(refused.code, 507);
    assert.match(refused.error, /^could not create bundle big: the bundle filesystem is [\d.]+% used with \d+ bytes free/);
    assert.deepEqual(await json(full.url), []);
  } finally {
    await full.server.close();
  }
});

test('a bundle directory a kill left without state (killed inside create) is removed at recovery: 404, not 500', async () => {
  const bundles = join(dir, 'half-made-bundles');
  const half = await server(bundles);
  try {
    mkdirSync(join(bundles, 'half-made'), { recursive: true });
    await json(`${half.url}/half-made`, 'GET', 500);
    assert.deepEqual(await half.jobs.store.recover(), []);
    await json(`${half.url}/half-made`, 'GET', 404);
    assert.equal(existsSync(join(bundles, 'half-made')), false);
    assert.deepEqual(await json(half.url), []);
  } finally {
    await half.server.close();
  }
});

const rawStatus = async (method: string, path: string): Promise<number> => (await rawRequest(base, method, path)).status;
