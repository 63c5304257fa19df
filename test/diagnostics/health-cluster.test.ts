// dcos-diagnostics on an embedded cluster started in-process with the app's node services, read only over HTTP:
// every node's /system/health/v1, a stopped unit (1 with its journal) and restarted (0), a hung forwarder (unit
// active, probe failing → 1), an unreachable node (3), and every aggregated route with its shape and 404s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SERVICES } from '../../app/node-services.ts';
import { Cluster, type ClusterNode } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import type { EndpointsFile } from '../../runtime/cluster/endpoints-file.ts';
import { DNS_FORWARDER_UNIT } from '../../runtime/dns/forwarder/dns-forwarder-service.ts';
import { goTimeString } from '../../diagnostics/health/journal-lines.ts';
import type { NodeHealthResponse } from '../../diagnostics/health/node-health.ts';
import type { ClusterReport } from '../../diagnostics/cluster/cluster-report.ts';
import { eventually } from '../support/minidc-cli.ts';
import { DnsRelay, relayedForwarder } from './dns-relay.ts';

let dir: string;
let cluster: Cluster;
const relays = new Map<string, DnsRelay>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-health-'));
  const configFile = join(dir, 'config.json');
  // Pulls only when a request asks (?cache=0), so each check reads the state it just made.
  await writeFile(configFile, JSON.stringify({ executor: 'simulated', sample_app: false, diagnostics_pull_interval: '1hrs' }));
  const config = loadClusterConfig({ config: configFile, dataDir: join(dir, 'data'), ports: 'ephemeral', agents: '1', publicAgents: '1' });
  const services = NODE_SERVICES.map((s) => (s.unit === DNS_FORWARDER_UNIT ? relayedForwarder(s, relays) : s));
  cluster = new Cluster(config, services);
  await cluster.start();
  await cluster.writeEndpoints();
});
after(async () => {
  for (const relay of relays.values()) relay.close();
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

const nodeOf = (role: string): ClusterNode => cluster.nodes.find((n) => n.role === role)!;
const base = (node: ClusterNode) => `${node.endpoints.diagnostics}/system/health/v1`;
const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(30_000) });
async function getJson<T>(url: string, status = 200): Promise<T> {
  const response = await get(url);
  assert.equal(response.status, status, `GET ${url}`);
  return (await response.json()) as T;
}
const nodeHealth = (node: ClusterNode) => getJson<NodeHealthResponse>(base(node));
const unitOn = async (node: ClusterNode, unit: string) => (await nodeHealth(node)).units.find((u) => u.id === unit);
const allHealthy = async (node: ClusterNode) => ((await nodeHealth(node)).units.every((u) => u.health === 0) ? true : undefined);

test('every node serves /system/health/v1 with the original fields; endpoints.json names it', async () => {
  const file = JSON.parse(await readFile(join(dir, 'data', 'endpoints.json'), 'utf8')) as EndpointsFile;
  for (const n of file.nodes) {
    assert.match(n.endpoints.diagnostics ?? '', new RegExp(`^http://${n.ip.replaceAll('.', '\\.')}:\\d+$`));
    assert.ok(n.units.includes('dcos-diagnostics.service'));
    assert.equal(n.units.includes('dcos-diagnostics.socket'), n.role !== 'master');
  }
  for (const node of cluster.nodes) {
    await eventually(`every unit on ${node.ip} healthy`, () => allHealthy(node));
    const body = await nodeHealth(node);
    assert.deepEqual(Object.keys(body), ['units', 'hostname', 'ip', 'dcos_version', 'node_role', 'mesos_id', 'dcos_diagnostics_version']);
    assert.equal(body.ip, node.ip);
    assert.equal(body.node_role, node.role);
    assert.equal(body.mesos_id, node.id);
    assert.deepEqual(body.units.map((u) => u.id), node.units.list().map((u) => u.name));
    for (const u of body.units) assert.deepEqual(Object.keys(u), ['id', 'health', 'output', 'description', 'help', 'name']);
  }
  const master = await nodeHealth(nodeOf('master'));
  assert.deepEqual(master.units.find((u) => u.id === 'dcos-mesos-master.service'), {
    id: 'dcos-mesos-master.service',
    health: 0,
    output: '',
    description: 'distributed systems kernel',
    help: '',
    name: 'Mesos Master',
  });
});

test('a stopped unit is 1 with its last journal lines, on the node and in the master report; started again 0', async () => {
  const agent = nodeOf('agent');
  const master = nodeOf('master');
  const unit = agent.units.get('dcos-minuteman.service')!;
  await unit.stop();
  const stopped = (await unitOn(agent, 'dcos-minuteman.service'))!;
  assert.equal(stopped.health, 1);
  const lastEntry = (await agent.units.reader().readJournal('dcos-minuteman.service', { tail: 1 })).entries[0]!;
  assert.ok(stopped.output.startsWith('Unit dcos-minuteman.service is dead\n'), stopped.output);
  assert.ok(stopped.output.endsWith(`${goTimeString(lastEntry.timestamp)} ${lastEntry.message}\n`), stopped.output);

  const onMaster = await getJson<{ id: string; health: number; output: string; description: string; help: string; name: string }>(
    `${base(master)}/nodes/${agent.ip}/units/dcos-minuteman.service?cache=0`,
  );
  assert.deepEqual(Object.keys(onMaster), ['id', 'health', 'output', 'description', 'help', 'name']);
  assert.equal(onMaster.health, 1);
  assert.equal(onMaster.output, stopped.output);
  assert.equal(onMaster.help, `Node available at \`dcos node ssh -mesos-id ${agent.id}\`. Try, \`journalctl -xv\` to diagnose further.`);
  assert.deepEqual(await getJson(`${base(master)}/units/dcos-minuteman.service`), {
    id: 'dcos-minuteman.service',
    name: 'Layer 4 Load Balancer',
    health: 1,
    description: 'distributed layer 4 virtual IP load balancer',
  });
  assert.deepEqual((await getJson<{ host_ip: string; health: number }>(`${base(master)}/nodes/${agent.ip}`)).health, 1);

  await unit.start();
  assert.equal((await unitOn(agent, 'dcos-minuteman.service'))!.health, 0);
  assert.equal((await getJson<{ health: number }>(`${base(master)}/units/dcos-minuteman.service?cache=0`)).health, 0);
});

test('a hung forwarder (unit active, DNS silent) is 1 with the probe text; answering again 0', async () => {
  const agent = nodeOf('agent_public');
  const relay = relays.get(agent.ip)!;
  relay.paused = true;
  try {
    const hung = (await unitOn(agent, 'dcos-spartan.service'))!;
    assert.equal(agent.units.get('dcos-spartan.service')!.activeState, 'active');
    assert.equal(hung.health, 1);
    assert.ok(hung.output.startsWith(`Liveness probe failed: ready.spartan at ${relay.address}: `), hung.output);
  } finally {
    relay.paused = false;
  }
  assert.equal((await unitOn(agent, 'dcos-spartan.service'))!.health, 0);
});

test('an unreachable node is 3 with no units; back, it is 0', async () => {
  const master = nodeOf('master');
  const agent = nodeOf('agent');
  const diagnostics = agent.units.get('dcos-diagnostics.service')!;
  await diagnostics.stop();
  try {
    assert.deepEqual(await getJson(`${base(master)}/nodes/${agent.ip}?cache=0`), { host_ip: agent.ip, health: 3, role: 'agent' });
    assert.deepEqual(await getJson(`${base(master)}/nodes/${agent.ip}/units`), { units: null });
    const report = await getJson<ClusterReport>(`${base(master)}/report`);
    assert.deepEqual(report.Nodes![agent.ip], { Leader: false, Role: 'agent', IP: agent.ip, Host: agent.ip, Health: 3, Output: {}, MesosID: agent.id });
  } finally {
    await diagnostics.start();
  }
  assert.equal((await getJson<{ health: number }>(`${base(master)}/nodes/${agent.ip}?cache=0`)).health, 0);
});

test('every aggregated route: shapes, Last-Modified-3DT, the download, 404s and rejected ids', async () => {
  const master = nodeOf('master');
  const agent = nodeOf('agent');
  const pub = nodeOf('agent_public');
  const m = base(master);
  await eventually('all nodes healthy in the report', async () => {
    const r = await getJson<ClusterReport>(`${m}/report?cache=0`);
    return r.Nodes !== null && Object.values(r.Nodes).length === 3 && Object.values(r.Nodes).every((n) => n.Health === 0) ? r : undefined;
  });

  const cached = await get(`${m}/report`);
  assert.match(cached.headers.get('last-modified-3dt') ?? '', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
  const report = (await cached.json()) as ClusterReport;
  assert.deepEqual(Object.keys(report), ['Units', 'Nodes', 'UpdatedTime']);
  assert.deepEqual(Object.keys(report.Nodes!), [master.ip, agent.ip, pub.ip]);
  assert.equal(report.Nodes![master.ip]!.Leader, true);
  assert.equal(report.Nodes![pub.ip]!.Role, 'agent_public');
  assert.equal(report.Units!['dcos-diagnostics.socket']!.Nodes!.length, 2);

  const download = await get(`${m}/report/download`);
  assert.equal(download.headers.get('content-disposition'), 'attachment; filename=health-report.json');
  assert.deepEqual(Object.keys((await download.json()) as object), ['Units', 'Nodes', 'UpdatedTime']);

  const units = await getJson<{ units: { id: string }[] }>(`${m}/units`);
  assert.deepEqual(Object.keys(units.units[0]!), ['id', 'name', 'health', 'description']);
  assert.ok(units.units.some((u) => u.id === 'dcos-mesos-slave-public.service'));
  assert.deepEqual(await getJson(`${m}/units/dcos-spartan.service/nodes`), {
    nodes: [
      { host_ip: master.ip, health: 0, role: 'master' },
      { host_ip: agent.ip, health: 0, role: 'agent' },
      { host_ip: pub.ip, health: 0, role: 'agent_public' },
    ],
  });
  const perNode = await getJson<Record<string, unknown>>(`${m}/units/dcos-spartan.service/nodes/${pub.ip}`);
  assert.deepEqual(Object.keys(perNode), ['host_ip', 'health', 'role', 'output', 'help']);
  assert.deepEqual(await getJson(`${m}/nodes`), {
    nodes: [
      { host_ip: master.ip, health: 0, role: 'master' },
      { host_ip: agent.ip, health: 0, role: 'agent' },
      { host_ip: pub.ip, health: 0, role: 'agent_public' },
    ],
  });
  assert.deepEqual(await getJson(`${m}/nodes/${pub.ip}`), { host_ip: pub.ip, health: 0, role: 'agent_public' });
  const pubUnits = await getJson<{ units: { id: string }[] }>(`${m}/nodes/${pub.ip}/units`);
  assert.deepEqual(pubUnits.units.map((u) => u.id), pub.units.list().map((u) => u.name));

  const notFound = async (path: string, text: string) => {
    const response = await get(`${m}${path}`);
    assert.equal(response.status, 404, path);
    assert.equal(await response.text(), text);
  };
  await notFound('/units/dcos-nope.service', 'dcos-nope.service not found');
  await notFound('/units/dcos-nope.service/nodes', 'dcos-nope.service not found');
  await notFound(`/units/dcos-marathon.service/nodes/${agent.ip}`, `${agent.ip} not found`);
  await notFound('/nodes/10.9.9.9', '10.9.9.9 not found');
  await notFound('/nodes/10.9.9.9/units', '10.9.9.9 not found');
  await notFound(`/nodes/${agent.ip}/units/dcos-marathon.service`, 'dcos-marathon.service not found');
  for (const bad of ['/units/..%2F..%2Fetc', '/units/%2e%2e%5c', '/nodes/a%20b', '/report?cache=' + 'x'.repeat(40)])
    assert.equal((await get(`${m}${bad}`)).status, 400, bad);
  assert.equal((await get(`${m}/units/${'a'.repeat(300)}`)).status, 414, 'an id longer than 100 characters');

  // A node that does not pull: an empty report, and a fresh pull refused as the original refuses it.
  assert.deepEqual(await getJson(`${base(agent)}/report`), { Units: null, Nodes: null, UpdatedTime: '0001-01-01T00:00:00Z' });
  assert.deepEqual(await getJson(`${base(agent)}/units`), { units: null });
  const refused = await get(`${base(agent)}/report?cache=0`);
  assert.equal(refused.status, 503);
  assert.equal(await refused.text(), 'dcos-diagnostics was not started with -pull flag');
});
