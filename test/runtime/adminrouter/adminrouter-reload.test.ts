// dcos-adminrouter-reload.service's run: re-reads the agent directory (an agent that registered since is routed to
// at once) and journals every upstream, a warning when one is unbound; it fails on a node without Admin Router.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminRouterReload } from '../../../runtime/adminrouter/adminrouter-reload.ts';
import { echoUpstream, FakeUpstreams, getJson, NO_HANG, startAdminRouter, type Echo } from './adminrouter-fixtures.ts';

test('a reload re-reads the agents and journals where each location leads', NO_HANG, async (t) => {
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.marathon = 'http://127.0.1.1:8080';
  upstreams.leader = 'http://127.0.1.1:5050';
  const { router, url } = await startAdminRouter(t, 'master', upstreams);
  assert.equal((await fetch(`${url}/system/v1/agent/S0/metrics/metrics`)).status, 404);
  upstreams.agentList = [{ id: 'S0', ip: '127.0.2.1', url: await echoUpstream(t, 'agent S0') }];
  const lines: { message: string; priority: number | undefined }[] = [];
  await new AdminRouterReload(() => router.reload()).run({ signal: new AbortController().signal, log: (message, priority) => void lines.push({ message, priority }) });
  assert.equal(lines[0]!.message, 'upstreams: mesos=http://127.0.1.1:5050 marathon=http://127.0.1.1:8080 diagnostics=unbound history=unbound mesos_dns=unbound metrics=unbound');
  assert.equal(lines[0]!.priority, 4);
  assert.match(lines[1]!.message, /^agents \(1\): S0=http:\/\/127\.0\.0\.1:\d+$/);
  const { status, body } = await getJson<Echo>(`${url}/system/v1/agent/S0/metrics/metrics`);
  assert.deepEqual([status, body.upstream], [200, 'agent S0']);
});

test('a reload on a node without Admin Router fails saying so', async () => {
  await assert.rejects(new AdminRouterReload(() => undefined).run({ signal: new AbortController().signal, log: () => undefined }), /no Admin Router on this node/);
});
