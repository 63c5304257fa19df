// `minidc node diagnostics …`, the real CLI process against a test double of dcos-diagnostics' v2 cluster bundle
// API (reference A.5: routes, statuses, `{code,error}` bodies, Content-Length): create → status → list → download
// (a real zip, `unzip -t`) → delete, each error mapping, and an interrupted download that leaves no `<id>.zip`.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipArchive } from 'archiver';
import { minidcAsync } from '../support/minidc-cli.ts';

interface Bundle {
  id: string;
  type: 'Cluster';
  size?: number;
  status: string;
  started_at: string;
  stopped_at: string;
  errors?: string[];
}

const ZERO = '0001-01-01T00:00:00Z';
const BASE = '/system/health/v1/diagnostics';

/** The double's state: bundles, the create bodies it was sent, and switches for the failures a test wants. */
const bundles = new Map<string, Bundle>();
const createBodies: unknown[] = [];
/** Status answers until a new bundle is Done (`Started`, then `InProgress`, …). */
let progression: string[] = [];
let zip: Buffer;
let cutDownload = false;
let failCreateWith: { code: number; error: string } | undefined;
let failListWith: { code: number; error: string } | undefined;

let server: Server;
let url: string;
let dir: string;

function sendError(res: ServerResponse, code: number, error: string): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ code, error }));
}
const sendJson = (res: ServerResponse, body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url!, 'http://x').pathname;
  if (path === BASE && req.method === 'GET') {
    if (failListWith) return sendError(res, failListWith.code, failListWith.error);
    return sendJson(res, [...bundles.values()]);
  }
  const m = new RegExp(`^${BASE}/([^/]+)(/file)?$`).exec(path);
  if (m === null) return sendError(res, 404, 'no route');
  const id = decodeURIComponent(m[1]!);
  const bundle = bundles.get(id);
  if (m[2] !== undefined) {
    if (req.method !== 'GET') return sendError(res, 405, 'method not allowed');
    if (bundle === undefined) return sendError(res, 404, `bundle ${id} not found`);
    if (['Deleted', 'Canceled', 'Failed'].includes(bundle.status)) return sendError(res, 410, `bundle ${id} was ${bundle.status}`);
    if (bundle.status !== 'Done') return sendError(res, 404, `bundle ${id} is not done yet (status ${bundle.status}), try again later`);
    res.writeHead(200, {
      'content-type': 'application/zip, application/octet-stream',
      'content-disposition': `attachment; filename=${id}.zip`,
      'content-length': String(zip.length),
    });
    if (!cutDownload) return void res.end(zip);
    // Half the announced bytes, then the connection goes away.
    res.write(zip.subarray(0, zip.length >> 1), () => res.socket?.destroy());
    return;
  }
  if (req.method === 'PUT') {
    createBodies.push(JSON.parse((await bodyOf(req)) || '{}'));
    if (failCreateWith) return sendError(res, failCreateWith.code, failCreateWith.error);
    if (bundle !== undefined) return sendError(res, 409, `bundle ${id} already exists`);
    const created: Bundle = { id, type: 'Cluster', status: 'Started', started_at: '2026-12-07T04:00:00Z', stopped_at: ZERO };
    bundles.set(id, created);
    return sendJson(res, created);
  }
  if (bundle === undefined) return sendError(res, 404, req.method === 'DELETE' ? `bundle ${id} not found on any master` : `bundle ${id} did not exist on any masters`);
  if (req.method === 'DELETE') {
    bundle.status = 'Deleted';
    delete bundle.size;
    return void res.writeHead(200).end();
  }
  if (req.method !== 'GET') return sendError(res, 405, 'method not allowed');
  const next = progression.shift();
  if (next !== undefined) bundle.status = next;
  if (bundle.status === 'Done' && bundle.size === undefined) Object.assign(bundle, { size: zip.length, stopped_at: '2026-12-07T04:00:05Z' });
  if (bundle.status === 'Failed') Object.assign(bundle, { errors: ['could not reach 127.0.2.1', 'disk full'], stopped_at: '2026-12-07T04:00:05Z' });
  return sendJson(res, bundle);
}

async function makeZip(): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  archive.append(JSON.stringify({ id: 'x', nodes: {} }), { name: 'report.json' });
  // Enough bytes that the body arrives in several chunks.
  archive.append(Buffer.alloc(512 * 1024, 'journal line\n'), { name: '127.0.1.1_master/dcos-mesos-master.service', store: true });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

before(async () => {
  zip = await makeZip();
  dir = await mkdtemp(join(tmpdir(), 'minidc-bundle-cli-'));
  server = createServer((req, res) => void handle(req, res).catch((err: Error) => sendError(res, 500, err.message)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  bundles.clear();
  createBodies.length = 0;
  progression = [];
  cutDownload = false;
  failCreateWith = undefined;
  failListWith = undefined;
});

const cli = (...args: string[]) => minidcAsync(['node', 'diagnostics', ...args, '--url', url]);
const rowsOf = (table: string) => table.trimEnd().split('\n').map((line) => line.split(/ {2,}/));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('create sends each selector as the v2 body (minidc\'s {nodes} for one node) and prints the new id', async () => {
  for (const selector of ['all', 'masters', 'agents', '127.0.2.1']) {
    const r = await cli('create', selector);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), UUID);
    assert.ok(bundles.has(r.stdout.trim()));
  }
  assert.deepEqual(createBodies, [{ masters: true, agents: true }, { masters: true, agents: false }, { masters: false, agents: true }, { nodes: ['127.0.2.1'] }]);
  const bad = await cli('create', 'no/such');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^minidc: "no\/such" is not all, masters, agents or a node .*\n$/);
  assert.equal(createBodies.length, 4, 'nothing sent for a bad selector');
});

test('create → status → list → download (unzip -t) → delete', async () => {
  progression = ['InProgress', 'Done'];
  const created = await cli('create', 'all', '--wait');
  assert.equal(created.status, 0, created.stderr);
  const id = created.stdout.trim();
  assert.match(id, UUID);
  // Not a terminal: a line per status change, then how to get it.
  assert.deepEqual(created.stderr.trimEnd().split('\n'), [`bundle ${id}: InProgress`, `bundle ${id}: Done`, `bundle ${id} is ready (${(zip.length / 1024).toFixed(1)} KiB): minidc node diagnostics download ${id}`]);

  const status = await cli('status', id);
  assert.equal(status.status, 0, status.stderr);
  assert.deepEqual(rowsOf(status.stdout), [
    ['ID', 'STATUS', 'STARTED', 'STOPPED', 'SIZE', 'ERRORS'],
    [id, 'Done', '2026-12-07T04:00:00Z', '2026-12-07T04:00:05Z', `${(zip.length / 1024).toFixed(1)} KiB`, '0'],
  ]);
  const asJson = await cli('status', id, '--json');
  assert.deepEqual(JSON.parse(asJson.stdout), bundles.get(id));

  const second = (await cli('create', 'masters')).stdout.trim();
  const list = await cli('list');
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(rowsOf(list.stdout).map((r) => [r[0], r[1], r[3]]), [['ID', 'STATUS', 'STOPPED'], ...[id, second].sort().map((b) => [b, bundles.get(b)!.status, bundles.get(b)!.status === 'Done' ? '2026-12-07T04:00:05Z' : '-'])]);
  assert.equal((await cli('status')).stdout, list.stdout, 'status without an id is the list');

  const download = await cli('download', id, '--location', dir);
  assert.equal(download.status, 0, download.stderr);
  const file = join(dir, `${id}.zip`);
  assert.equal(download.stdout, `downloaded bundle ${id} to ${file} (${(zip.length / 1024).toFixed(1)} KiB)\n`);
  assert.equal(download.stderr, '', 'no progress bar when stderr is not a terminal');
  assert.equal((await stat(file)).size, zip.length);
  const unzip = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  assert.equal(unzip.status, 0, unzip.stdout);
  assert.match(unzip.stdout, /testing: 127\.0\.1\.1_master\/dcos-mesos-master\.service +OK/);
  assert.deepEqual(await readdir(dir), [`${id}.zip`]);

  const deleted = await cli('delete', id);
  assert.equal(deleted.status, 0, deleted.stderr);
  assert.equal(deleted.stdout, `deleted bundle ${id}\n`);
  assert.equal(bundles.get(id)!.status, 'Deleted');
  await rm(file);
});

test('errors as DC/OS\'s CLI maps them: 404 no bundle, 410 was <status>, 409, 507, others in the server\'s words', async () => {
  const expectError = async (args: string[], line: string) => {
    const r = await cli(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `minidc: ${line}\n`, args.join(' '));
  };
  await expectError(['status', 'nope'], 'no bundle nope');
  await expectError(['download', 'nope', '--location', dir], 'no bundle nope');
  await expectError(['delete', 'nope'], 'no bundle nope');

  const id = (await cli('create', 'all')).stdout.trim();
  await expectError(['download', id, '--location', dir], `bundle ${id} is not done yet (status Started), try again later`);
  await cli('delete', id);
  await expectError(['download', id, '--location', dir], `bundle ${id} was Deleted`);

  failCreateWith = { code: 409, error: 'a bundle is being created on 127.0.1.1' };
  await expectError(['create', 'all'], 'a bundle is being created on 127.0.1.1');
  failCreateWith = { code: 507, error: 'could not create bundle x workdir: ENOSPC' };
  await expectError(['create', 'all'], 'the master has no room for the bundle: could not create bundle x workdir: ENOSPC');
  failListWith = { code: 500, error: 'could not read the bundle dir' };
  await expectError(['list'], 'could not read the bundle dir (HTTP 500)');

  await expectError(['status', '../etc'], '"../etc" is not a bundle id (letters, digits, \'.\', \'_\', \'-\'; at most 100)');
  await expectError(['download', id, '--location', join(dir, 'missing')], `--location ${join(dir, 'missing')} is not a directory`);
  assert.deepEqual(await readdir(dir), [], 'no file for any failed download');
});

test('create --wait on a bundle that fails: its errors in one line, exit 1', async () => {
  progression = ['Failed'];
  const r = await cli('create', 'agents', '--wait');
  assert.equal(r.status, 1);
  const id = r.stdout.trim();
  assert.match(id, UUID);
  assert.equal(r.stderr.trimEnd().split('\n').at(-1), `minidc: bundle ${id} Failed: could not reach 127.0.2.1; disk full`);
});

test('an interrupted download (server gone mid-body) leaves no <id>.zip and no part file', async () => {
  progression = ['Done'];
  const id = (await cli('create', 'all')).stdout.trim();
  await cli('status', id);
  cutDownload = true;
  const r = await cli('download', id, '--location', dir);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^minidc: download of bundle ${id} failed after \\d+ bytes: GET ${url}${BASE}/${id}/file: .+\\n$`));
  assert.deepEqual(await readdir(dir), []);
});
