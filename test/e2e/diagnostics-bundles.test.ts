/**
 * Diagnostic bundles as an operator meets them on a running `minidc start`: the CLI creates and downloads a cluster
 * bundle that `unzip -t` accepts, with one folder per node; a secret placed in the config and one in minidc's
 * environment appear in no file of it (though a task prints both and Marathon's app shows them); a duplicate id is
 * a 409; and a `kill -9` of minidc mid-bundle, then a restart, leaves the bundle Failed, unserved, with no file of
 * it on any node.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, loggedInEnv, minidcAsync, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';

const CONFIG_SECRET = 'Zq8xT4kP9mW2vR7nCfgSecret';
const ENV_SECRET = 'Lm3nB8vC1xZ6qW0eEnvSecret';
const ENV_NAME = 'MINIDC_E2E_DB_PASSWORD';

let dir: string;
let run: RunningMinidc | undefined;
let endpoints: EndpointsFile;
let diagnostics = '';

async function start(): Promise<void> {
  await rm(join(dir, 'data', 'endpoints.json'), { force: true });
  run = startMinidc(['--config', join(dir, 'config.json'), '--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--no-sample']);
  endpoints = await endpointsOf(run, join(dir, 'data'), 60_000, (f) => f.nodes.every((n) => n.endpoints.diagnostics !== undefined));
  diagnostics = `${endpoints.nodes[0]!.endpoints.diagnostics}/system/health/v1`;
}

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    signal: AbortSignal.timeout(10_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

interface BundleState {
  id: string;
  status: string;
  size?: number;
  errors?: string[];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-bundles-'));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ agents: [{ attributes: { rack: 'r1', api_token: CONFIG_SECRET } }], public_agents: 0 }),
  );
  process.env[ENV_NAME] = ENV_SECRET;
  await start();
  // A task that prints both secrets, from an app whose cmd holds them: sandboxes and Marathon's dumps carry them.
  const marathon = endpoints.nodes[0]!.endpoints.marathon!;
  const created = await call('POST', `${marathon}/v2/apps`, {
    id: '/leaky',
    cmd: `echo config ${CONFIG_SECRET}; echo env ${ENV_SECRET}; sleep 100000`,
    cpus: 0.1,
    mem: 16,
  });
  assert.equal(created.status, 201);
  await eventually('the leaky task running', async () => {
    const { body } = await call('GET', `${marathon}/v2/apps/leaky`);
    return (body as { app: { tasksRunning: number } }).app.tasksRunning === 1 ? true : undefined;
  });
});

after(async () => {
  delete process.env[ENV_NAME];
  if (run) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('minidc node diagnostics create --wait and download: a whole zip, a folder per node, no secret in any file', async () => {
  const cli = ['--data-dir', join(dir, 'data')];
  // Without --url the CLI goes through the master's Admin Router: logged in as the first admin.
  const env = await loggedInEnv(join(dir, 'data'), join(dir, 'config'));
  const adminPassword = (JSON.parse(await readFile(join(dir, 'data', 'auth', 'admin-credential.json'), 'utf8')) as { password: string }).password;
  const created = await minidcAsync(['node', 'diagnostics', 'create', 'all', '--wait', ...cli], { env });
  assert.equal(created.status, 0, created.stderr);
  const id = created.stdout.trim().split('\n').pop()!;
  const downloaded = await minidcAsync(['node', 'diagnostics', 'download', id, '--location', dir, ...cli], { env });
  assert.equal(downloaded.status, 0, downloaded.stderr);
  const zip = join(dir, `${id}.zip`);
  execFileSync('unzip', ['-tq', zip]);

  const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim().split('\n');
  const folders = new Set(names.filter((n) => n.includes('/')).map((n) => n.slice(0, n.indexOf('/'))));
  assert.deepEqual([...folders].sort(), endpoints.nodes.map((n) => `${n.ip}_${n.role}`).sort());
  for (const root of ['report.json', 'summaryReport.txt']) assert.ok(names.includes(root), root);
  const agent = endpoints.nodes.find((n) => n.role === 'agent')!;
  const stdout = names.find((n) => n.startsWith(`${agent.ip}_agent/sandboxes/leaky/`) && n.endsWith('/stdout'));
  assert.ok(stdout, `the leaky task's sandbox in ${names.join(' ')}`);
  assert.match(execFileSync('unzip', ['-p', zip, stdout], { encoding: 'utf8' }), /^config \[REDACTED\]\nenv \[REDACTED\]\n/);

  for (const name of names.filter((n) => !n.endsWith('/'))) {
    const text = execFileSync('unzip', ['-p', zip, name], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
    for (const secret of [CONFIG_SECRET, ENV_SECRET, adminPassword, 'PRIVATE KEY-----']) assert.ok(!text.includes(secret), `${name} holds ${secret}`);
  }

  const again = await call('PUT', `${diagnostics}/diagnostics/${id}`, {});
  assert.equal(again.status, 409);
  assert.deepEqual(again.body, { code: 409, error: `bundle ${id} already exists` });
});

test('the legacy API on the master: create, 409 while it runs, status, list, serve; an agent refuses create', async () => {
  const legacy = `${diagnostics}/report/diagnostics`;
  const created = await call('POST', `${legacy}/create`, { nodes: ['all'] });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const reply = created.body as { response_http_code: number; version: number; errors: null; extra: { bundle_name: string } };
  assert.equal(reply.response_http_code, 200);
  assert.equal(reply.version, 1);
  const name = reply.extra.bundle_name;
  assert.match(name, /^bundle-\d{4}-\d{2}-\d{2}-\d{10}\.zip$/);
  const second = await call('POST', `${legacy}/create`, { nodes: ['all'] });
  assert.equal(second.status, 409);
  assert.equal((second.body as { response_http_code: number }).response_http_code, 409);

  const status = await eventually('the legacy job ended', async () => {
    const { body } = await call('GET', `${legacy}/status`);
    return (body as { is_running: boolean }).is_running ? undefined : (body as Record<string, unknown>);
  }, 60_000);
  assert.equal(status.job_progress_percentage, 100);
  const list = (await call('GET', `${legacy}/list`)).body as { file_name: string; file_size: number }[];
  const entry = list.find((e) => e.file_name === `/system/health/v1/report/diagnostics/serve/${name}`);
  assert.ok(entry && entry.file_size > 0, JSON.stringify(list));
  const served = await fetch(`${legacy}/serve/${name}`, { signal: AbortSignal.timeout(30_000) });
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'application/octet-stream');
  const zip = join(dir, name);
  await writeFile(zip, Buffer.from(await served.arrayBuffer()));
  execFileSync('unzip', ['-tq', zip]);
  assert.equal(entry.file_size, (await readFile(zip)).length);
  // The v2 cluster routes see the same bundle.
  assert.equal(((await call('GET', `${diagnostics}/diagnostics/${name.slice(0, -4)}`)).body as BundleState).status, 'Done');

  const agent = endpoints.nodes.find((n) => n.role === 'agent')!;
  const onAgent = await call('POST', `${agent.endpoints.diagnostics}/system/health/v1/report/diagnostics/create`, { nodes: ['all'] });
  assert.equal(onAgent.status, 400);
});

test('kill -9 of minidc mid-bundle, then a restart: the bundle is Failed, unserved, and no file of it is left', async () => {
  const id = 'killed-mid-bundle';
  assert.equal((await call('PUT', `${diagnostics}/diagnostics/${id}`, {})).status, 200);
  await eventually('the bundle under way', async () => {
    const { body } = await call('GET', `${diagnostics}/diagnostics/${id}`);
    return (body as BundleState).status === 'InProgress' ? true : undefined;
  });
  run!.child.kill('SIGKILL');
  await run!.exited;
  run = undefined;

  await start();
  const listed = (await call('GET', `${diagnostics}/diagnostics`)).body as BundleState[];
  const killed = listed.find((b) => b.id === id);
  assert.equal(killed?.status, 'Failed', JSON.stringify(listed));
  assert.equal(killed.size, undefined, 'a failed bundle has no size');
  assert.match(killed.errors?.join(' ') ?? '', /interrupted: dcos-diagnostics restarted/);
  const file = await call('GET', `${diagnostics}/diagnostics/${id}/file`);
  assert.equal(file.status, 410);

  // No zip or temp file of it in the master's stores, and its node bundles gone from every node.
  for (const node of endpoints.nodes) {
    await eventually(`node bundle ${id} deleted on ${node.ip}`, async () => {
      const { status, body } = await call('GET', `${node.endpoints.diagnostics}/system/health/v1/node/diagnostics/${id}`);
      if (status === 404 || (body as BundleState).status === "Deleted") return true;
      throw new Error(`${status} ${JSON.stringify(body)}`);
    }, 60_000);
    const bundles = join(dir, 'data', 'nodes', node.ip, 'diagnostics', 'bundles');
    for (const store of existsSync(bundles) ? await readdir(bundles) : []) {
      const own = join(bundles, store, id);
      if (!existsSync(own)) continue;
      assert.deepEqual((await readdir(own)).sort(), ['state.json'], `${own} holds only its state`);
    }
  }
});
