// The master's pull of every node's /system/health/v1 against fake node servers on loopback: a stalled node
// holds only its own slot (the others' health is in the report while it still hangs) and ends as health 3 at its
// timeout, as do a refused, a non-200 and a non-health node; concurrency stays within its bound; the report has
// the original's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ClusterHealthPuller } from '../../diagnostics/cluster/cluster-health-puller.ts';
import type { ClusterNodeRef } from '../../diagnostics/cluster/cluster-node.ts';
import type { NodeHealthResponse } from '../../diagnostics/health/node-health.ts';
import { systemTime } from '../../runtime/time/system-time.ts';
import { eventually } from '../support/minidc-cli.ts';
import { serve } from './loopback-server.ts';

const body = (ip: string, role: string, health: number): NodeHealthResponse => ({
  units: [
    { id: 'dcos-spartan.service', health, output: health === 0 ? '' : 'Unit dcos-spartan.service is dead\n', description: 'forwards DNS requests', help: '', name: 'DNS Forwarder (Spartan)' },
    { id: 'dcos-minuteman.service', health: 0, output: '', description: 'VIPs', help: '', name: 'Layer 4 Load Balancer' },
  ],
  hostname: `host-${ip}`,
  ip,
  dcos_version: '2.2.0',
  node_role: role,
  mesos_id: `id-${ip}`,
  dcos_diagnostics_version: '0.1.0',
});

const json = (value: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
};

test('a stalled node delays no other; unreachable, non-200 and non-health nodes are 3; the report shape', { timeout: 60_000 }, async (t) => {
  const open: Server[] = [];
  t.after(() =>
    open.forEach((s) => {
      s.closeAllConnections();
      s.close();
    }),
  );
  const stalled: ServerResponse[] = [];
  const nodes: Record<string, { server: Server; url: string }> = {
    '127.0.1.1': await serve('127.0.1.1', json(body('127.0.1.1', 'master', 0))),
    '127.0.2.1': await serve('127.0.2.1', json(body('127.0.2.1', 'agent', 1))),
    '127.0.2.2': await serve('127.0.2.2', (_req, res) => void stalled.push(res)), // never answers
    '127.0.2.3': await serve('127.0.2.3', (_req, res) => void res.writeHead(500).end('boom')),
    '127.0.2.4': await serve('127.0.2.4', json({ hello: 'world' })),
  };
  open.push(...Object.values(nodes).map((n) => n.server));
  const refused = await serve('127.0.3.1', () => {});
  await new Promise((resolve) => refused.server.close(resolve));

  const refs: ClusterNodeRef[] = [
    { ip: '127.0.1.1', role: 'master', mesosId: '', leader: true },
    { ip: '127.0.2.1', role: 'agent', mesosId: 'S0', leader: false },
    { ip: '127.0.2.2', role: 'agent', mesosId: 'S1', leader: false },
    { ip: '127.0.2.3', role: 'agent', mesosId: 'S2', leader: false },
    { ip: '127.0.2.4', role: 'agent', mesosId: 'S3', leader: false },
    { ip: '127.0.3.1', role: 'agent_public', mesosId: 'S4', leader: false },
  ];
  const urls: Record<string, string> = { ...Object.fromEntries(Object.entries(nodes).map(([ip, n]) => [ip, n.url])), '127.0.3.1': refused.url };
  const puller = new ClusterHealthPuller({
    discovery: { nodes: async () => refs },
    nodeUrl: (n) => urls[n.ip],
    time: systemTime,
    intervalMs: 3_600_000,
    // Long enough that the stalled node is certainly still hanging when the others are checked.
    timeoutMs: 20_000,
    concurrency: 2,
  });
  t.after(() => puller.stop());
  assert.deepEqual(puller.report(), { Units: null, Nodes: null, UpdatedTime: '0001-01-01T00:00:00Z' });
  const pulled = puller.pullNow();

  // Every other node is in the report while the stalled one still hangs (its request is open, the pull not over).
  const report = await eventually('every node but the stalled one reported', () => {
    const r = puller.report();
    return r.Nodes !== null && Object.keys(r.Nodes).length === 5 ? r : undefined;
  }, 15_000);
  assert.equal(stalled.length, 1, 'the stalled node is being asked');
  assert.equal(puller.lastPullWallMs, undefined, 'the pull is still under way');
  assert.equal(report.Nodes!['127.0.2.2'], undefined);
  assert.deepEqual(
    Object.fromEntries(Object.values(report.Nodes!).map((n) => [n.IP, n.Health])),
    { '127.0.1.1': 0, '127.0.2.1': 1, '127.0.2.3': 3, '127.0.2.4': 3, '127.0.3.1': 3 },
  );
  assert.deepEqual(report.Nodes!['127.0.3.1'], {
    Leader: false, Role: 'agent_public', IP: '127.0.3.1', Host: '127.0.3.1', Health: 3, Output: {}, MesosID: 'S4',
  });
  const agent = report.Nodes!['127.0.2.1']!;
  assert.deepEqual(Object.keys(agent), ['Leader', 'Role', 'IP', 'Host', 'Health', 'Output', 'Units', 'MesosID']);
  assert.equal(agent.Host, 'host-127.0.2.1');
  assert.equal(agent.MesosID, 'id-127.0.2.1');
  assert.deepEqual(agent.Output, { 'dcos-spartan.service': 'Unit dcos-spartan.service is dead\n', 'dcos-minuteman.service': '' });
  assert.deepEqual(Object.keys(agent.Units![0]!), ['UnitName', 'Health', 'Title', 'Timestamp', 'PrettyName']);
  const spartan = report.Units!['dcos-spartan.service']!;
  assert.deepEqual(Object.keys(spartan), ['UnitName', 'Nodes', 'Health', 'Title', 'Timestamp', 'PrettyName']);
  assert.equal(spartan.Health, 1, 'a unit is the worst over its nodes');
  assert.deepEqual(spartan.Nodes!.map((n) => [n.IP, n.Health]), [['127.0.1.1', 0], ['127.0.2.1', 1]]);
  assert.equal(spartan.Nodes![0]!.Units, undefined, 'nested node copies carry no Units');
  assert.match(spartan.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // Released, the stalled node answers; the pull ends and the report has it.
  for (const res of stalled) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body('127.0.2.2', 'agent', 0)));
  await pulled;
  assert.notEqual(puller.lastPullWallMs, undefined);
  const final = puller.report();
  assert.equal(final.Nodes!['127.0.2.2']!.Health, 0);
  assert.match(final.UpdatedTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('in-flight requests stay within the concurrency bound', { timeout: 60_000 }, async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const { server, url } = await serve('127.0.4.1', (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Answer a little later so requests overlap whenever the bound allows; counted out as the answer is written
    // (the puller can only ask again after it has read one).
    setTimeout(() => {
      inFlight--;
      json(body('127.0.4.1', 'agent', 0))(req, res);
    }, 50);
  });
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const refs: ClusterNodeRef[] = Array.from({ length: 12 }, (_, i) => ({ ip: `10.0.0.${i + 1}`, role: 'agent', mesosId: `S${i}`, leader: false }));
  const puller = new ClusterHealthPuller({
    discovery: { nodes: async () => refs },
    // Every fake node is the one server.
    nodeUrl: (n) => `${url}/${n.ip}`,
    time: systemTime,
    intervalMs: 3_600_000,
    concurrency: 3,
  });
  t.after(() => puller.stop());
  await puller.pullNow();
  assert.equal(Object.values(puller.report().Nodes!).filter((n) => n.Health === 0).length, 12);
  assert.ok(maxInFlight <= 3, `at most 3 requests at once, saw ${maxInFlight}`);
  assert.ok(maxInFlight >= 2, `requests overlap, saw ${maxInFlight}`);
});

test('a node that never answers is 3 once its timeout cuts it', { timeout: 30_000 }, async (t) => {
  const { server, url } = await serve('127.0.4.3', () => {});
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const puller = new ClusterHealthPuller({
    discovery: { nodes: async () => [{ ip: '127.0.4.3', role: 'agent', mesosId: 'S0', leader: false }] },
    nodeUrl: () => url,
    time: systemTime,
    intervalMs: 3_600_000,
    timeoutMs: 300,
  });
  t.after(() => puller.stop());
  await puller.pullNow();
  assert.equal(puller.report().Nodes!['127.0.4.3']!.Health, 3);
});

test('a pull whose discovery throws is reported and keeps the last report', { timeout: 30_000 }, async (t) => {
  const { server, url } = await serve('127.0.4.2', json(body('127.0.4.2', 'agent', 0)));
  t.after(() => server.close());
  let fail = false;
  const errors: string[] = [];
  const puller = new ClusterHealthPuller({
    discovery: {
      nodes: async () => {
        if (fail) throw new Error('no master');
        return [{ ip: '127.0.4.2', role: 'agent', mesosId: 'S0', leader: false }];
      },
    },
    nodeUrl: () => url,
    time: systemTime,
    intervalMs: 3_600_000,
    onError: (err) => errors.push((err as Error).message),
  });
  t.after(() => puller.stop());
  await puller.pullNow();
  const before = puller.report();
  fail = true;
  await puller.pullNow();
  assert.deepEqual(errors, ['no master']);
  assert.deepEqual(puller.report(), before);
});
