/**
 * Admin Router on `minidc start`: every node publishes an `adminrouter` endpoint, and through the master's every
 * location reaches the real component behind it (the leading master, Marathon, diagnostics, history, Mesos-DNS, the
 * node metrics, an agent's Admin Router by its Mesos id); the master's diagnostics pulls agents' health through
 * their Admin Router; the hourly reload timer (per-second here) runs and journals; `adminrouter_max_body_size_mb`
 * (16 KiB here) limits what reaches an upstream.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';

let dir: string;
let run: RunningMinidc | undefined;
let endpoints: EndpointsFile;
let ar: string;

let token = '';

/** A GET with the admin's token (`headers` replace it: `{}` sends none). */
const get = async (url: string, headers: Record<string, string> = { authorization: `token=${token}` }) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000), redirect: 'manual', headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type'), challenge: res.headers.get('www-authenticate') };
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-adminrouter-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ adminrouter_reload_schedule: '*/2 * * * * *', adminrouter_max_body_size_mb: 16 / 1024 }));
  run = startMinidc(['--config', join(dir, 'config.json'), '--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--no-sample', '--agents', '1', '--public-agents', '1']);
  endpoints = await endpointsOf(run, join(dir, 'data'), 60_000, (f) =>
    f.nodes.every((n) => n.endpoints.adminrouter !== undefined && n.endpoints.diagnostics !== undefined && n.endpoints.metrics !== undefined) && f.nodes.every((n) => n.id !== ''),
  );
  ar = endpoints.nodes[0]!.endpoints.adminrouter!;
  // The first admin credential `minidc start` made, logged in with as a user would.
  const credential = JSON.parse(await readFile(join(dir, 'data', 'auth', 'admin-credential.json'), 'utf8')) as { uid: string; password: string };
  const login = await fetch(`${ar}/acs/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credential),
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(login.status, 200);
  token = ((await login.json()) as { token: string }).token;
});

after(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('every node runs its Admin Router unit and publishes it', () => {
  for (const node of endpoints.nodes) {
    assert.ok(node.units.includes(node.role === 'master' ? 'dcos-adminrouter.service' : 'dcos-adminrouter-agent.service'), node.ip);
    assert.match(node.endpoints.adminrouter!, new RegExp(`^http://${node.ip.replaceAll('.', '\\.')}:\\d+$`));
  }
  assert.ok(endpoints.nodes[0]!.units.includes('dcos-adminrouter-reload.timer'));
});

test('through the master\'s Admin Router every location reaches its component', async () => {
  const summary = JSON.parse((await get(`${ar}/mesos/master/state-summary`)).text) as { slaves: { id: string }[] };
  assert.equal(summary.slaves.length, 2);
  for (const path of ['/marathon/v2/apps', '/service/marathon/v2/apps'])
    assert.deepEqual(JSON.parse((await get(`${ar}${path}`)).text), { apps: [] }, path);
  const report = JSON.parse((await get(`${ar}/system/health/v1/report`)).text) as { Nodes?: unknown };
  assert.ok(report.Nodes !== undefined, 'a cluster health report');
  assert.equal((await get(`${ar}/dcos-history-service/history/last`)).status, 200);
  assert.equal(JSON.parse((await get(`${ar}/mesos_dns/v1/version`)).text).Service, 'Mesos-DNS');
  assert.match((await get(`${ar}/system/v1/metrics/metrics`)).text, /mesos_cluster_|minidc_collector_up/);
  const agent = endpoints.nodes.find((n) => n.role === 'agent')!;
  const agentMetrics = await get(`${ar}/system/v1/agent/${agent.id}/metrics/metrics`);
  assert.equal(agentMetrics.status, 200);
  assert.match(agentMetrics.text, /mesos_slave_/);
  const version = JSON.parse((await get(`${ar}/system/v1/agent/${agent.id}/dcos-metadata/dcos-version.json`)).text) as Record<string, string>;
  assert.deepEqual(Object.keys(version).sort(), ['bootstrap-id', 'dcos-image-commit', 'version']);
  assert.deepEqual(JSON.parse((await get(`${ar}/dcos-metadata/dcos-version.json`)).text), version);
  assert.equal((await get(`${ar}/system/v1/agent/no-such-agent/metrics/metrics`)).status, 404);
  assert.equal((await get(`${ar}/no/such/location`)).status, 404);
});

test("protected locations answer 401 (WWW-Authenticate: oauthjwt) without a token or with a bad one; DC/OS's open ones stay open; the cookie is a token too", async () => {
  for (const path of ['/mesos/master/state-summary', '/marathon/v2/apps', '/system/health/v1/report', '/dcos-history-service/history/last', '/mesos_dns/v1/version', '/system/v1/metrics/metrics']) {
    for (const headers of [{} as Record<string, string>, { authorization: 'token=not.a.jwt' }, { authorization: `token=${token.slice(0, -4)}AAAA` }]) {
      const r = await get(`${ar}${path}`, headers);
      assert.equal(r.status, 401, `${path} with ${JSON.stringify(headers)}`);
      assert.equal(r.challenge, 'oauthjwt');
    }
    assert.equal((await get(`${ar}${path}`, { authorization: `Bearer ${token}` })).status, 200, `${path} with a Bearer token`);
    assert.equal((await get(`${ar}${path}`, { cookie: `dcos-acs-auth-cookie=${token}` })).status, 200, `${path} with the cookie`);
  }
  assert.equal((await get(`${ar}/dcos-metadata/dcos-version.json`, {})).status, 200, 'open without a token');
  const refused = await fetch(`${ar}/acs/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"uid":"admin","password":"wrong"}' });
  assert.equal(refused.status, 401, 'the login is open, and refuses a wrong password');
});

test('the master\'s cluster report has every node healthy, and each agent\'s health answers through its Admin Router', async () => {
  const diagnostics = endpoints.nodes[0]!.endpoints.diagnostics!;
  const nodes = await eventually('every node healthy in the cluster report', async () => {
    const res = await fetch(`${diagnostics}/system/health/v1/nodes`, { signal: AbortSignal.timeout(20_000) });
    const body = (await res.json()) as { nodes: { host_ip: string; health: number }[] | null };
    return body.nodes?.length === 3 && body.nodes.every((n) => n.health === 0) ? body.nodes : undefined;
  }, 60_000);
  assert.equal(nodes.length, 3);
  for (const agent of endpoints.nodes.filter((n) => n.role !== 'master')) {
    const health = JSON.parse((await get(`${agent.endpoints.adminrouter}/system/health/v1`)).text) as { units: unknown[]; ip: string };
    assert.equal(health.ip, agent.ip);
    assert.ok(health.units.length > 0);
  }
});

test('dcos-adminrouter-reload.timer runs its service, which journals the upstreams', async () => {
  const diagnostics = endpoints.nodes[0]!.endpoints.diagnostics!;
  const timer = await eventually('the reload timer has run its service', async () => {
    const { timers } = (await (await fetch(`${diagnostics}/system/health/v1/timers`, { signal: AbortSignal.timeout(10_000) })).json()) as { timers: { unit: string; last_result: string }[] };
    const t = timers.find((x) => x.unit === 'dcos-adminrouter-reload.timer');
    return t?.last_result === 'succeeded' ? t : undefined;
  }, 60_000);
  assert.equal(timer.unit, 'dcos-adminrouter-reload.timer');
});

test('adminrouter_max_body_size_mb: a body over it is 413 before Marathon sees it; one under it reaches Marathon', async () => {
  const post = (cmd: string) =>
    fetch(`${ar}/marathon/v2/apps`, {
      method: 'POST',
      headers: { authorization: `token=${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/body-limit', cmd, instances: 0, cpus: 0.1, mem: 16 }),
      signal: AbortSignal.timeout(20_000),
    });
  const over = await post('x'.repeat(20 * 1024));
  assert.equal(over.status, 413);
  assert.match(((await over.json()) as { message: string }).message, /at most 16384 bytes/);
  assert.equal((await get(`${ar}/marathon/v2/apps/body-limit`)).status, 404, 'Marathon never saw the app');
  const under = await post('sleep 1000');
  assert.equal(under.status, 201, await under.text());
});
