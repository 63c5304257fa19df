// The master's Admin Router through fetch: every location reaches its upstream with DC/OS's path rewriting, the
// redirects and the version document, 404 for anything else and for an unknown agent, 503 naming an upstream not
// bound yet, 502 for one that refuses, and the auth seam asked on protected locations only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AdminRouterAuth } from '../../../runtime/adminrouter/adminrouter-auth.ts';
import { freePort } from '../../../runtime/cluster/free-port.ts';
import { echoUpstream, FakeUpstreams, getJson, NO_HANG, startAdminRouter, type Echo } from './adminrouter-fixtures.ts';

async function masterWithEchoes(t: import('node:test').TestContext) {
  const upstreams = new FakeUpstreams();
  for (const name of ['marathon', 'diagnostics', 'history', 'mesos_dns', 'metrics']) upstreams.endpoints[name] = await echoUpstream(t, name);
  upstreams.leader = await echoUpstream(t, 'leader');
  upstreams.agentList = [{ id: 'S0', ip: '127.0.2.1', url: await echoUpstream(t, 'agent S0') }];
  return { upstreams, ...(await startAdminRouter(t, 'master', upstreams)) };
}

test('each location reaches its upstream, prefix stripped as DC/OS strips it (the query kept)', NO_HANG, async (t) => {
  const { url } = await masterWithEchoes(t);
  const cases: [string, string, string][] = [
    ['/mesos/master/state-summary?jsonp=x', 'leader', '/master/state-summary?jsonp=x'],
    ['/marathon/v2/apps', 'marathon', '/v2/apps'],
    ['/marathon/', 'marathon', '/'],
    ['/service/marathon/v2/apps?embed=apps.tasks', 'marathon', '/v2/apps?embed=apps.tasks'],
    ['/system/health/v1', 'diagnostics', '/system/health/v1'],
    ['/system/health/v1/report', 'diagnostics', '/system/health/v1/report'],
    ['/dcos-history-service/history/last', 'history', '/history/last'],
    ['/mesos_dns/v1/version', 'mesos_dns', '/v1/version'],
    ['/system/v1/metrics/metrics', 'metrics', '/metrics'],
    ['/system/v1/logs/v1/range/?skip_prev=5', 'diagnostics', '/system/v1/logs/v1/range/?skip_prev=5'],
    ['/system/v1/agent/S0/logs/v1/range/?limit=5', 'agent S0', '/system/v1/logs/v1/range/?limit=5'],
    ['/system/v1/agent/S0/metrics/metrics', 'agent S0', '/system/v1/metrics/metrics'],
    ['/system/v1/agent/S0/dcos-metadata/dcos-version.json', 'agent S0', '/dcos-metadata/dcos-version.json'],
  ];
  for (const [path, upstream, seen] of cases) {
    const { status, body } = await getJson<Echo>(`${url}${path}`);
    assert.equal(status, 200, path);
    assert.deepEqual([body.upstream, body.url], [upstream, seen], path);
    assert.equal(body.headers['x-forwarded-for'], '127.0.0.1', path);
  }
});

test('/marathon redirects to /marathon/ (307), /service/marathon to /service/marathon/ (301)', NO_HANG, async (t) => {
  const { url } = await masterWithEchoes(t);
  const bare = await fetch(`${url}/marathon`, { redirect: 'manual' });
  assert.deepEqual([bare.status, bare.headers.get('location')], [307, '/marathon/']);
  const service = await fetch(`${url}/service/marathon`, { redirect: 'manual' });
  assert.deepEqual([service.status, service.headers.get('location')], [301, '/service/marathon/']);
});

test('methods and bodies pass: a POST to Marathon arrives with its body and content type', NO_HANG, async (t) => {
  const { url } = await masterWithEchoes(t);
  const app = JSON.stringify({ id: '/web', cmd: 'sleep 100', instances: 2 });
  const { status, body } = await getJson<Echo>(`${url}/service/marathon/v2/apps`, { method: 'POST', body: app, headers: { 'content-type': 'application/json' } });
  assert.equal(status, 200);
  assert.deepEqual([body.method, body.url, body.bodyBytes, body.headers['content-type']], ['POST', '/v2/apps', app.length, 'application/json']);
});

test('/dcos-metadata/dcos-version.json is DC/OS-shaped and not cached; other paths are 404 JSON', NO_HANG, async (t) => {
  const { url } = await masterWithEchoes(t);
  const version = await getJson<Record<string, string>>(`${url}/dcos-metadata/dcos-version.json`);
  assert.equal(version.status, 200);
  assert.equal(version.headers.get('cache-control'), 'no-cache');
  assert.deepEqual(Object.keys(version.body).sort(), ['bootstrap-id', 'dcos-image-commit', 'version']);
  assert.match(version.body['bootstrap-id']!, /^[0-9a-f]{40}$/);
  // `/` is the status page (test/ui/); everything else unmatched is a 404.
  for (const path of ['/nope', '/mesos', '/system/v1/nope/', '/dcos-metadata/other.json', '/status-ui/no-such-hash/main.js']) {
    const { status, body } = await getJson<{ message: string }>(`${url}${path}`);
    assert.equal(status, 404, path);
    assert.match(body.message, /Not found/, path);
  }
});

test('an unknown agent id is 404 naming it; a known agent whose Admin Router is not bound is 503', NO_HANG, async (t) => {
  const { url, upstreams } = await masterWithEchoes(t);
  // A newly registered agent is found without a reload: an unknown id re-reads the list (at most once a second).
  upstreams.agentList = [...upstreams.agentList, { id: 'S1', ip: '127.0.2.2', url: undefined }];
  const pending = await getJson<{ message: string }>(`${url}/system/v1/agent/S1/metrics/metrics`);
  const unknown = await getJson<{ message: string }>(`${url}/system/v1/agent/S9/metrics/metrics`);
  assert.deepEqual([unknown.status, unknown.body.message], [404, "Not found: no agent with id 'S9'"]);
  assert.equal(pending.status, 503);
  assert.match(pending.body.message, /agent S1 has no address yet/);
});

test('an upstream not bound yet answers 503 naming it; one that refuses answers 502 naming it', NO_HANG, async (t) => {
  const { url, upstreams } = await masterWithEchoes(t);
  upstreams.leader = undefined;
  delete upstreams.endpoints.history;
  const noLeader = await getJson<{ message: string }>(`${url}/mesos/master/state`);
  assert.deepEqual([noLeader.status, noLeader.body.message], [503, 'Service Unavailable: the leading master has no address yet (not started, or not elected)']);
  const noHistory = await getJson<{ message: string }>(`${url}/dcos-history-service/history/last`);
  assert.equal(noHistory.status, 503);
  assert.match(noHistory.body.message, /history has no address/);
  upstreams.endpoints.marathon = `http://127.0.0.1:${await freePort('127.0.0.1')}`;
  const refused = await getJson<{ message: string }>(`${url}/marathon/v2/apps`);
  assert.equal(refused.status, 502);
  assert.match(refused.body.message, /^Bad Gateway: marathon did not answer \(.*ECONNREFUSED/);
});

test('with auth, protected locations ask the guard first; the version document and the login routes stay open', NO_HANG, async (t) => {
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.marathon = await echoUpstream(t, 'marathon');
  upstreams.endpoints.diagnostics = await echoUpstream(t, 'diagnostics');
  upstreams.leader = await echoUpstream(t, 'leader');
  const guarded: string[] = [];
  const auth: AdminRouterAuth = {
    guard: async (request, reply) => {
      guarded.push(request.url);
      if (request.headers.authorization === 'token=good') return 'alice';
      await reply.code(401).header('www-authenticate', 'oauthjwt').send({ message: 'Unauthorized' });
      return undefined;
    },
    registerRoutes: async (app: FastifyInstance) => {
      app.post('/acs/api/v1/auth/login', async () => ({ token: 'good' }));
    },
  };
  const { url } = await startAdminRouter(t, 'master', upstreams, { auth });
  for (const path of ['/mesos/master/state', '/marathon/v2/apps', '/service/marathon/v2/apps', '/system/health/v1', '/system/v1/logs/v1/range/', '/system/v1/agent/S0/metrics/x']) {
    const denied = await fetch(`${url}${path}`);
    assert.deepEqual([denied.status, denied.headers.get('www-authenticate')], [401, 'oauthjwt'], path);
  }
  const admitted = await getJson<Echo>(`${url}/marathon/v2/apps`, { headers: { authorization: 'token=good' } });
  assert.deepEqual([admitted.status, admitted.body.upstream], [200, 'marathon']);
  const before = guarded.length;
  assert.equal((await fetch(`${url}/dcos-metadata/dcos-version.json`)).status, 200);
  assert.equal((await fetch(`${url}/marathon`, { redirect: 'manual' })).status, 307);
  assert.deepEqual(await (await fetch(`${url}/acs/api/v1/auth/login`, { method: 'POST' })).json(), { token: 'good' });
  assert.equal(guarded.length, before, 'open locations never ask the guard');
});
