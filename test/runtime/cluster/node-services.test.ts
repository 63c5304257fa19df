// The cluster as a table of node services: a small cluster started from the runtime's descriptors plus one of the
// test's own, observed through endpoints.json, the nodes' unit read interfaces and the HTTP APIs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../../runtime/cluster/cluster.ts';
import { ConfigError, loadClusterConfig } from '../../../runtime/cluster/cluster-config.ts';
import type { EndpointsFile } from '../../../runtime/cluster/endpoints-file.ts';
import { HttpBinding } from '../../../runtime/cluster/http-binding.ts';
import type { NodeServiceDescriptor } from '../../../runtime/cluster/node-service.ts';
import { RUNTIME_SERVICES } from '../../../runtime/cluster/runtime-services.ts';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import type { UnitStateEvent } from '../../../runtime/units/unit-reader.ts';
import { eventually } from '../../support/minidc-cli.ts';

const BROKEN_UNIT = 'dcos-broken-route.service';

/** A service of the test's own on the master, started after Marathon, with a route that throws. */
const brokenRouteService: NodeServiceDescriptor = {
  unit: BROKEN_UNIT,
  description: 'Broken Route: a test service whose route throws',
  roles: ['master'],
  after: ['dcos-marathon.service'],
  endpoints: ['broken'],
  create: ({ node, publish }) => {
    const http = new HttpBinding(node.ip, 0, async (options) => {
      const app = createHttpServer(options);
      app.get('/boom', async () => {
        throw new Error('the route broke');
      });
      return app;
    });
    return {
      start: async (ctx) => publish('broken', await http.open(ctx.log)),
      stop: () => http.close(),
    };
  },
};

let dir: string;
let cluster: Cluster;
/** `<ip> <unit> <active>/<sub>` of every state change on every node, in the order they happened. */
const changes: string[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-services-'));
  const configFile = join(dir, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      executor: 'simulated',
      sample_app: false,
      marathon_launch_tokens: 7,
      marathon_launch_token_refresh_interval: '12secs',
      marathon_max_instances_per_offer: 2,
    }),
  );
  const config = loadClusterConfig({ config: configFile, dataDir: join(dir, 'data'), ports: 'ephemeral', agents: '2', publicAgents: '1' });
  cluster = new Cluster(config, [...RUNTIME_SERVICES, brokenRouteService]);
  for (const node of cluster.nodes)
    node.units.reader().subscribe((e: UnitStateEvent) => changes.push(`${node.ip} ${e.unit} ${e.to.activeState}/${e.to.subState}`));
  await cluster.start();
  await cluster.writeEndpoints();
});
after(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

const master = () => cluster.nodes.find((n) => n.role === 'master')!;
const became = (ip: string, unit: string, state: string) => changes.indexOf(`${ip} ${unit} ${state}`);

test('endpoints.json lists the units each role runs beside its endpoints', async () => {
  const file = JSON.parse(await readFile(join(dir, 'data', 'endpoints.json'), 'utf8')) as EndpointsFile;
  const byRole = (role: string) => file.nodes.filter((n) => n.role === role);
  assert.deepEqual(byRole('master').map((n) => n.units), [
    [BROKEN_UNIT, 'dcos-marathon.service', 'dcos-mesos-dns.service', 'dcos-mesos-master.service', 'dcos-minuteman.service', 'dcos-spartan.service'],
  ]);
  for (const n of byRole('agent')) assert.deepEqual(n.units, ['dcos-mesos-slave.service', 'dcos-minuteman.service', 'dcos-spartan.service']);
  assert.deepEqual(byRole('agent_public').map((n) => n.units), [
    ['dcos-mesos-slave-public.service', 'dcos-minuteman.service', 'dcos-spartan.service'],
  ]);
  assert.equal(byRole('agent').length, 2);
  const m = byRole('master')[0]!;
  assert.deepEqual(Object.keys(m.endpoints).sort(), ['broken', 'dns', 'dns_forwarder', 'dns_forwarder_api', 'l4lb', 'marathon', 'mesos', 'mesos_dns']);
  for (const n of file.nodes) for (const u of n.units) assert.equal(cluster.nodes.find((c) => c.ip === n.ip)!.units.reader().properties(u)?.ActiveState, 'active');
});

test('units start in `after` order: the master, then every agent, then Marathon, then what comes after it', () => {
  const ip = master().ip;
  const running = (nodeIp: string, unit: string) => became(nodeIp, unit, 'active/running');
  const masterUp = running(ip, 'dcos-mesos-master.service');
  const marathonUp = running(ip, 'dcos-marathon.service');
  assert.ok(masterUp >= 0 && marathonUp > masterUp);
  for (const node of cluster.nodes.filter((n) => n.role !== 'master')) {
    const agentUnit = node.role === 'agent' ? 'dcos-mesos-slave.service' : 'dcos-mesos-slave-public.service';
    assert.ok(running(node.ip, agentUnit) > masterUp, `${node.ip} agent after the master`);
    assert.ok(running(node.ip, agentUnit) < marathonUp, `${node.ip} agent before Marathon`);
    assert.ok(running(node.ip, 'dcos-spartan.service') > running(ip, 'dcos-mesos-dns.service'), `${node.ip} forwarder after Mesos-DNS`);
  }
  assert.ok(running(ip, BROKEN_UNIT) > marathonUp);
});

test('the Marathon config keys reach Marathon: /v2/info marathon_config', async () => {
  const info = (await (await fetch(`${master().endpoints.marathon}/v2/info`)).json()) as { marathon_config: Record<string, unknown> };
  assert.equal(info.marathon_config.launch_token, 7);
  assert.equal(info.marathon_config.launch_token_refresh_interval, 12_000);
  assert.equal(info.marathon_config.max_instances_per_offer, 2);
});

test("a route that throws: 500 JSON to the client and the error in its unit's journal", async () => {
  const res = await fetch(`${master().endpoints.broken}/boom`);
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { message: 'Internal Server Error' });
  const { entries, path } = await master().units.reader().readJournal(BROKEN_UNIT, { tail: 1 });
  assert.match(entries[0]!.message, /^HTTP 500 on GET \/boom: Error: the route broke/);
  assert.match(await readFile(path, 'utf8'), /the route broke/);
});

test('a re-elected master: agents that stayed up re-register and Marathon re-subscribes', async () => {
  const m = master();
  const unit = m.units.get('dcos-mesos-master.service')!;
  const marathonEntered = m.units.reader().properties('dcos-marathon.service')!.ActiveEnterTimestampMonotonic;
  await unit.restart();
  await eventually('every agent re-registered and Marathon subscribed', async () => {
    const res = await fetch(`${m.endpoints.mesos}/master/state-summary`);
    if (!res.ok) return undefined;
    const s = (await res.json()) as { slaves: { active: boolean }[]; frameworks: { name: string; active: boolean }[] };
    const ok = s.slaves.length === 3 && s.slaves.every((a) => a.active) && s.frameworks.some((f) => f.name === 'marathon' && f.active);
    return ok ? true : undefined;
  });
  assert.ok(m.units.reader().properties('dcos-marathon.service')!.ActiveEnterTimestampMonotonic > marathonEntered, 'Marathon restarted');
});

test('bad Marathon config values are refused with the key named', async () => {
  const file = join(dir, 'bad.json');
  for (const [key, value] of [
    ['marathon_launch_tokens', 0],
    ['marathon_max_instances_per_offer', 'five'],
    ['marathon_launch_token_refresh_interval', 'soon'],
  ] as const) {
    await writeFile(file, JSON.stringify({ [key]: value }));
    assert.throws(() => loadClusterConfig({ config: file, dataDir: dir }), (err: Error) => err instanceof ConfigError && err.message.includes(key));
  }
});

test('stop runs in reverse start order', async () => {
  // Last in the file: the cluster is stopped here (after() stopping it again is a no-op).
  changes.length = 0;
  await cluster.stop();
  const ip = master().ip;
  const dead = (nodeIp: string, unit: string) => became(nodeIp, unit, 'inactive/dead');
  assert.ok(dead(ip, BROKEN_UNIT) < dead(ip, 'dcos-marathon.service'));
  for (const node of cluster.nodes.filter((n) => n.role === 'agent'))
    assert.ok(dead(ip, 'dcos-marathon.service') < dead(node.ip, 'dcos-mesos-slave.service'));
  assert.ok(dead(cluster.nodes[1]!.ip, 'dcos-mesos-slave.service') < dead(ip, 'dcos-mesos-master.service'));
});
