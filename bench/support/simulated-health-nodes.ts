/**
 * Simulated cluster nodes for bench:diagnostics, run in their own process so the measured process holds only the
 * diagnostics side: `node --import tsx bench/support/simulated-health-nodes.ts NODES UNITS UNHEALTHY_EVERY`.
 * One HTTP server per node on its own loopback address (127.77.x.y: Linux answers all of 127/8 on lo), all on one
 * port, each answering `GET /system/health/v1` with a node's body: UNITS DC/OS units, and on every
 * UNHEALTHY_EVERY-th node one unit unhealthy (on every 5th of those, three) with the rule's text and 50 journal
 * lines, as a node reports it. Prints `{"port":N,"nodes":[{"ip","role","mesosId"}…]}` once every address listens.
 * A `drop` line on stdin closes every idle keep-alive connection (answered by a `dropped` line), so each pull meets
 * the nodes as the master's real pull does, 15 s after the last one, when its connections have long timed out;
 * exits when its stdin closes (the parent went away).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterNodeRef } from '../../diagnostics/cluster/cluster-node.ts';
import { HEALTH_BASE } from '../../diagnostics/node/node-health-plugin.ts';
import { JOURNAL_TAIL_LINES, type NodeHealthResponse, type UnitHealthReport } from '../../diagnostics/health/node-health.ts';
import { journalLines } from '../../diagnostics/health/journal-lines.ts';

/** DC/OS units of an agent (dcos.target.wants), with the "Name: description" split the node reports. */
const DCOS_UNITS: readonly [string, string, string][] = [
  ['dcos-adminrouter-agent.service', 'Admin Router Agent', 'exposes a unified control plane proxy for components and services using NGINX'],
  ['dcos-calico-felix.service', 'DC/OS Calico Felix', 'programs routes and ACLs for Calico networking'],
  ['dcos-checks-poststart.service', 'DC/OS Poststart Checks', 'runs the post-start checks'],
  ['dcos-checks-poststart.timer', 'DC/OS Poststart Checks Timer', 'periodically runs the post-start checks'],
  ['dcos-diagnostics.service', 'DC/OS Diagnostics Agent', 'aggregates and exposes component health'],
  ['dcos-diagnostics.socket', 'DC/OS Diagnostics Agent Socket', 'socket for the diagnostics agent'],
  ['dcos-docker-gc.service', 'DC/OS Docker GC', 'periodically garbage-collects Docker containers and images'],
  ['dcos-docker-gc.timer', 'DC/OS Docker GC Timer', 'periodically runs Docker GC'],
  ['dcos-epmd.service', 'DC/OS Erlang Port Mapping Daemon', 'names Erlang nodes for dcos-net'],
  ['dcos-fluent-bit.service', 'DC/OS Fluent Bit', 'forwards logs'],
  ['dcos-gen-resolvconf.service', 'Generate resolv.conf', 'updates resolv.conf to point at the DC/OS DNS forwarder'],
  ['dcos-gen-resolvconf.timer', 'Generate resolv.conf Timer', 'periodically updates resolv.conf'],
  ['dcos-log-agent.service', 'DC/OS Log Agent', 'exposes node, component and container logs'],
  ['dcos-log-agent.socket', 'DC/OS Log Agent Socket', 'socket for the log agent'],
  ['dcos-logrotate-agent.service', 'DC/OS Logrotate Agent', 'rotates Mesos agent logs'],
  ['dcos-logrotate-agent.timer', 'DC/OS Logrotate Agent Timer', 'periodically rotates Mesos agent logs'],
  ['dcos-mesos-slave.service', 'Mesos Agent', 'distributed systems kernel agent'],
  ['dcos-metrics-agent.service', 'DC/OS Metrics Agent', 'exposes node, container and application metrics'],
  ['dcos-metrics-agent.socket', 'DC/OS Metrics Agent Socket', 'socket for the metrics agent'],
  ['dcos-minuteman.service', 'Layer 4 Load Balancer', 'distributes TCP traffic to VIP backends'],
  ['dcos-navstar.service', 'DC/OS Navstar', 'overlay networking and DNS'],
  ['dcos-net.service', 'DC/OS Net', 'a distributed systems and network layer'],
  ['dcos-net-watchdog.service', 'DC/OS Net Watchdog', 'restarts dcos-net when it stops answering'],
  ['dcos-pkgpanda-api.service', 'Pkgpanda API', 'manages local DC/OS packages'],
  ['dcos-rexray.service', 'DC/OS REX-Ray', 'provides volumes for containers'],
  ['dcos-signal.service', 'Signal', 'sends anonymous telemetry'],
  ['dcos-signal.timer', 'Signal Timer', 'periodically sends telemetry'],
  ['dcos-spartan.service', 'DNS Forwarder (Spartan)', 'forwards DNS requests to Mesos-DNS and upstream resolvers'],
  ['dcos-telegraf.service', 'Telegraf', 'collects and exposes metrics'],
  ['dcos-telegraf.socket', 'Telegraf Socket', 'socket for Telegraf'],
];

const [nodesText, unitsText, everyText] = process.argv.slice(2);
const NODES = Number(nodesText ?? 1000);
const UNITS = Number(unitsText ?? 30);
const UNHEALTHY_EVERY = Number(everyText ?? 20);
if (!(NODES >= 1 && NODES <= 60_000) || !(UNITS >= 1 && UNITS <= DCOS_UNITS.length) || !(UNHEALTHY_EVERY >= 1)) {
  console.error(`usage: simulated-health-nodes.ts NODES(1-60000) UNITS(1-${DCOS_UNITS.length}) UNHEALTHY_EVERY(>=1)`);
  process.exit(2);
}

const ipOf = (i: number) => `127.77.${(i + 1) >> 8}.${(i + 1) & 255}`;
const CLUSTER = '6b4a2c1e-93f0-4d8e-a1b7-0c5d2e9f8a31';
const refs: ClusterNodeRef[] = Array.from({ length: NODES }, (_, i) => ({
  ip: ipOf(i),
  // One master (the leader), a public agent every 50th node, the rest private agents.
  role: i === 0 ? 'master' : i % 50 === 0 ? 'agent_public' : 'agent',
  mesosId: i === 0 ? '' : `${CLUSTER}-S${i}`,
  leader: i === 0,
}));

/** A Mesos agent's glog lines, each different (task ids, times), as a unit's journal tail looks. */
function journalTail(node: number, unit: string): string {
  const start = Date.UTC(2026, 11, 7, 3, 0, 0) + node * 1000;
  return journalLines(
    Array.from({ length: JOURNAL_TAIL_LINES }, (_, k) => {
      const at = start + k * 237;
      const clock = new Date(at).toISOString().slice(11, 23);
      return {
        timestamp: at,
        message: `E1207 ${clock}417 ${4000 + node} ${unit.replace(/\.\w+$/, '')}.cpp:${1000 + k * 7}] Failed to launch container 'c-${node}-${k}' for executor 'app-${(node * 31 + k) % 1000}.${node * 50 + k}' of framework ${CLUSTER}-0001: exited with status ${k % 3 === 0 ? 137 : 1}`,
        priority: 3 as const,
      };
    }),
  );
}

function nodeBody(i: number, ref: ClusterNodeRef): NodeHealthResponse {
  const unhealthy = new Set<number>();
  if (i % UNHEALTHY_EVERY === UNHEALTHY_EVERY - 1) {
    unhealthy.add(i % UNITS);
    if (i % (UNHEALTHY_EVERY * 5) === UNHEALTHY_EVERY - 1) for (const k of [3, 11]) unhealthy.add((i + k) % UNITS);
  }
  const units = DCOS_UNITS.slice(0, UNITS).map(([id, name, description], u): UnitHealthReport => ({
    id,
    health: unhealthy.has(u) ? 1 : 0,
    output: unhealthy.has(u) ? `Unit ${id} is failed\n${journalTail(i, id)}` : '',
    description,
    help: '',
    name,
  }));
  return {
    units,
    hostname: `node-${i}.bench.internal`,
    ip: ref.ip,
    dcos_version: '2.2.0',
    node_role: ref.role,
    mesos_id: ref.mesosId,
    dcos_diagnostics_version: '0.1.0',
  };
}

const bodies = new Map(refs.map((ref, i) => [ref.ip, Buffer.from(JSON.stringify(nodeBody(i, ref)))]));

/** Which node answers is the address the connection came in on. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const body = bodies.get(req.socket.localAddress ?? '');
  if (req.method !== 'GET' || req.url !== HEALTH_BASE || body === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
}

const listen = (server: Server, ip: string, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve((server.address() as AddressInfo).port));
  });

const servers: Server[] = [];
let port = 0;
for (const ref of refs) {
  const server = createServer({ keepAliveTimeout: 30_000 }, answer);
  servers.push(server);
  port = await listen(server, ref.ip, port);
}
process.stdout.write(`${JSON.stringify({ port, nodes: refs })}\n`);
process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
  for (const line of chunk.split('\n')) {
    if (line.trim() !== 'drop') continue;
    for (const s of servers) s.closeIdleConnections();
    process.stdout.write('dropped\n');
  }
});
process.stdin.on('end', () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});
