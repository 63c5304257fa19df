// The agent's Admin Router (open, as DC/OS's open flavour): the node's health and metrics and the version
// document; everything else 404, the master's locations included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { echoUpstream, FakeUpstreams, getJson, NO_HANG, startAdminRouter, type Echo } from './adminrouter-fixtures.ts';

test('the agent Admin Router serves the node\'s health, metrics and version; nothing else', NO_HANG, async (t) => {
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.diagnostics = await echoUpstream(t, 'diagnostics');
  upstreams.endpoints.metrics = await echoUpstream(t, 'metrics');
  upstreams.endpoints.marathon = await echoUpstream(t, 'marathon');
  upstreams.leader = await echoUpstream(t, 'leader');
  const { url } = await startAdminRouter(t, 'agent', upstreams);
  for (const [path, upstream, seen] of [
    ['/system/health/v1', 'diagnostics', '/system/health/v1'],
    ['/system/health/v1/diagnostics/x.zip', 'diagnostics', '/system/health/v1/diagnostics/x.zip'],
    ['/system/v1/metrics/metrics', 'metrics', '/metrics'],
    ['/system/v1/logs/v1/range/?skip_prev=5', 'diagnostics', '/system/v1/logs/v1/range/?skip_prev=5'],
  ] as const) {
    const { status, body } = await getJson<Echo>(`${url}${path}`);
    assert.deepEqual([status, body.upstream, body.url], [200, upstream, seen], path);
  }
  assert.equal((await fetch(`${url}/dcos-metadata/dcos-version.json`)).status, 200);
  for (const path of ['/mesos/master/state', '/marathon/v2/apps', '/system/v1/agent/S0/metrics/metrics', '/acs/api/v1/auth/login'])
    assert.equal((await fetch(`${url}${path}`)).status, 404, path);
});
