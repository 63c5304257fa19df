/**
 * The embedded cluster: one master node and private/public agent nodes, each on its own loopback address with its
 * own unit registry, every component a unit named as DC/OS names it. Components find each other in process (the
 * agents' link to the master follows whichever master is elected); users and observers find them through the HTTP
 * endpoints listed in `DATA_DIR/endpoints.json`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Resources } from '../allocator/resources.ts';
import { Agent, type MasterLink } from '../agent/agent.ts';
import { ProcessExecutor } from '../agent/process-executor.ts';
import { SimulatedExecutor } from '../agent/simulated-executor.ts';
import type { Executor } from '../agent/executor.ts';
import { createHttpServer } from '../http/http-server.ts';
import { listenError, listenHttp } from '../http/listen-http.ts';
import { createServer, type AddressInfo } from 'node:net';
import { MarathonScheduler } from '../marathon/marathon-scheduler.ts';
import { marathonRoutes } from '../marathon/marathon-routes.ts';
import { MESOS_API_VERSION } from '../mesos-json/build-info.ts';
import { Master, MasterError } from '../master/master.ts';
import { masterHttpPlugin } from '../master/http/master-http-plugin.ts';
import { Registrar } from '../master/registrar.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import { Unit, type UnitBehavior, type UnitContext } from '../units/unit.ts';
import { UnitJournal, type Priority } from '../units/unit-journal.ts';
import { UnitRegistry } from '../units/unit-registry.ts';
import { defaultAgentResources, PUBLIC_ROLE } from './agent-resources.ts';
import type { AgentConfig, ClusterConfig } from './cluster-config.ts';
import { type EndpointsFile, type NodeRole, writeEndpointsFile } from './endpoints-file.ts';
import { STANDARD_PORTS } from './standard-ports.ts';
import { claimTaskPortBlock } from './task-port-block.ts';
import { agentHttpPlugin } from '../agent/http/agent-http-plugin.ts';
import { L4lbUnit } from '../l4lb/l4lb-unit.ts';
import { MesosDns } from '../dns/mesos-dns/mesos-dns.ts';
import { httpStateSource } from '../dns/mesos-dns/state-source.ts';
import { hostNameservers } from '../dns/mesos-dns/mesos-dns-config.ts';
import { DnsForwarder } from '../dns/forwarder/dns-forwarder.ts';
import { forwarderHttpApi } from '../dns/forwarder/forwarder-http-api.ts';

const MARATHON_UNIT = 'dcos-marathon.service';

export interface ClusterNode {
  readonly ip: string;
  readonly role: NodeRole;
  readonly hostname: string;
  readonly units: UnitRegistry;
  /** Endpoint name → URL or host:port, filled in as units bind. */
  readonly endpoints: Record<string, string>;
  /** Node id as endpoints.json gives it: the Mesos master/agent id once known. */
  id: string;
}

/** A component's HTTP server, bound once; a unit restart binds the same port again (ephemeral ports stay put). */
class HttpBinding {
  private port: number;
  private app: FastifyInstance | undefined;
  constructor(
    private readonly ip: string,
    port: number,
    private readonly build: () => Promise<FastifyInstance>,
  ) {
    this.port = port;
  }
  /** The port this binding will use, choosing a free one now when the OS is to pick (a component may need it first). */
  async reservePort(): Promise<number> {
    if (this.port === 0) this.port = await freePort(this.ip);
    return this.port;
  }

  async open(): Promise<string> {
    const app = await this.build();
    try {
      const bound = await listenHttp(app, this.ip, this.port);
      this.port = bound.port;
      this.app = app;
      return bound.url;
    } catch (err) {
      await app.close();
      throw err;
    }
  }
  async close(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}

function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenError(err, ip, 0)));
    probe.listen(0, ip, () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

export class Cluster {
  /** Persisted in DATA_DIR/cluster-id; known once `start` has begun. */
  id = '';
  readonly nodes: ClusterNode[] = [];
  master: Master | undefined;
  readonly agents: Agent[] = [];
  private readonly executors: Executor[] = [];
  private readonly masterNode: ClusterNode;
  /** Called on every task or agent change the master reports (DNS and VIPs follow the cluster through these). */
  private readonly changeListeners: (() => void)[] = [];
  /** Each node's VIP layer, which its DNS forwarder answers VIP names from. */
  readonly vipLayers = new Map<ClusterNode, L4lbUnit>();
  /** The task port range agents offer when their resources are not configured (undefined: Mesos's default). */
  private readonly taskPorts: string | undefined;

  constructor(readonly config: ClusterConfig) {
    mkdirSync(config.dataDir, { recursive: true });
    this.masterNode = this.addNode(config.masterIp, 'master');
    this.addMasterUnits(this.masterNode);
    this.addMarathonUnit(this.masterNode);
    this.taskPorts = config.taskPorts ?? (config.ports === 'ephemeral' ? claimTaskPortBlock(config.dataDir) : undefined);
    const agentCount = config.agents.length + config.publicAgents.length;
    for (const a of config.agents) this.addAgentNode(a, false, agentCount);
    for (const a of config.publicAgents) this.addAgentNode(a, true, agentCount);
    // Per-node services come after each node's Mesos unit (start order is insertion order).
    this.addMesosDnsUnit(this.masterNode);
    this.nodes.forEach((node, i) => {
      this.addDnsForwarderUnit(node);
      this.addVipUnit(node, i);
    });
  }

  private addNode(ip: string, role: NodeRole): ClusterNode {
    const node: ClusterNode = { ip, role, hostname: ip, units: new UnitRegistry(), endpoints: {}, id: ip };
    this.nodes.push(node);
    return node;
  }

  nodeDir(node: { ip: string }): string {
    return join(this.config.dataDir, 'nodes', node.ip);
  }

  private port(kind: keyof typeof STANDARD_PORTS): number {
    return this.config.ports === 'standard' ? STANDARD_PORTS[kind] : 0;
  }

  private unit(node: ClusterNode, name: string, description: string, behavior: UnitBehavior): Unit {
    const unit = new Unit({
      name,
      description,
      behavior,
      journal: new UnitJournal({ dataDir: this.nodeDir(node), unit: name }),
      restart: 'always',
      restartSecMs: 1000,
      timeoutStartMs: 60_000,
      timeoutStopMs: 60_000,
    });
    node.units.add(unit);
    return unit;
  }

  private addMasterUnits(node: ClusterNode): void {
    const config = this.config;
    const workDir = join(this.nodeDir(node), 'mesos-master');
    let ctxRef: UnitContext | undefined;
    const flags = masterFlags(config, node.ip, workDir);
    const http = new HttpBinding(node.ip, this.port('master'), async () => {
      const app = createHttpServer();
      await app.register(masterHttpPlugin, { master: () => this.master, flags });
      return app;
    });
    let bound = false;
    this.unit(node, 'dcos-mesos-master.service', 'Mesos Master: distributed systems kernel', {
      start: async (ctx) => {
        ctxRef = ctx;
        // The master's pid carries its bound port, so bind first (the routes answer 503 until it is elected).
        const url = await http.open();
        node.endpoints.mesos = url;
        const real = new Master({
          hostname: node.hostname,
          ip: node.ip,
          port: Number(new URL(url).port),
          registrar: new Registrar(join(workDir, 'registry.json')),
          clusterName: config.clusterName,
          agentPingTimeoutMs: config.agentPingTimeoutMs,
          maxAgentPingTimeouts: config.maxAgentPingTimeouts,
          allocationIntervalMs: config.allocationIntervalMs,
          registryMaxAgentAgeMs: config.registryMaxAgentAgeMs,
          log: (m) => ctxRef?.log(m),
        });
        try {
          await real.start();
        } catch (err) {
          await http.close();
          throw err;
        }
        this.master = real;
        real.onChange(() => {
          for (const l of this.changeListeners) l();
        });
        node.id = real.id;
        ctx.log(`elected master ${real.id} at ${real.pid}`);
        // Agents and Marathon that stayed up re-register with the new master, as they would on a leader change.
        if (bound) {
          for (const agent of this.agents) if (agent.isOnline) void agent.start().catch(() => undefined);
          const marathon = node.units.get(MARATHON_UNIT);
          if (marathon?.activeState === 'active') void marathon.restart().catch(() => undefined);
        }
        bound = true;
      },
      stop: async () => {
        const master = this.master;
        this.master = undefined;
        await http.close();
        await master?.stop();
      },
    });
  }

  /**
   * `dcos-mesos-dns.service` on the master: the `mesos` zone built from `/master/state` (over HTTP, as Mesos-DNS
   * reads it), rebuilt within ~100 ms of a task change and every 30 s (DC/OS's refreshSeconds) as a safety net.
   */
  private addMesosDnsUnit(node: ClusterNode): void {
    let dns: MesosDns | undefined;
    let ports = { dnsPort: this.port('mesosDns'), httpPort: this.port('mesosDnsHttp') };
    this.changeListeners.push(() => dns?.notifyChange());
    this.unit(node, 'dcos-mesos-dns.service', 'Mesos DNS: DNS based Service Discovery', {
      start: async (ctx) => {
        const master = node.endpoints.mesos!;
        dns = new MesosDns({
          source: httpStateSource(master, 10_000),
          listen: { host: node.ip, ...ports },
          masters: [new URL(master).host],
          // DC/OS turns Mesos-DNS's forwarding off when the cluster has no upstream resolvers.
          ...(this.config.upstreamResolvers === undefined
            ? {}
            : { resolvers: this.config.upstreamResolvers, externalOn: this.config.upstreamResolvers.length > 0 }),
          refreshSeconds: 30,
          notifyDebounceMs: 100,
          log: (message, priority) => ctx.log(message, priority),
          // Its DNS thread died: fail the unit, so it is restarted.
          onFatal: (reason) => ctx.fail(1, `DNS serving failed: ${reason}`),
        });
        const bound = await dns.start();
        // Keep OS-chosen ports across restarts, so endpoints.json stays true.
        ports = { dnsPort: bound.dns!.port, httpPort: Number(new URL(bound.http!).port) };
        node.endpoints.dns = `${bound.dns!.host}:${bound.dns!.port}`;
        node.endpoints.mesos_dns = bound.http!;
        ctx.log(`serving the mesos zone on ${node.endpoints.dns} (HTTP ${bound.http})`);
      },
      stop: async () => {
        await dns?.stop();
        dns = undefined;
      },
    });
  }

  /**
   * `dcos-spartan.service` on every node: `*.mesos` to Mesos-DNS, VIP names and other `thisdcos.directory` names
   * answered locally, `ready.spartan`, everything else to the host's resolvers.
   */
  private addDnsForwarderUnit(node: ClusterNode): void {
    let forwarder: DnsForwarder | undefined;
    let port = this.port('dnsForwarder');
    const http = new HttpBinding(node.ip, this.port('dnsForwarderApi'), async () => {
      const app = createHttpServer();
      await app.register(forwarderHttpApi, { metrics: () => forwarder?.metricsSnapshot() });
      return app;
    });
    this.unit(node, 'dcos-spartan.service', 'DNS Forwarder (Spartan): forwards DNS requests to multiple DNS servers', {
      start: async (ctx) => {
        const mesosDns = this.masterNode.endpoints.dns;
        forwarder = new DnsForwarder({
          listen: { host: node.ip, port },
          mesosResolvers: mesosDns ? [mesosDns] : [],
          upstreamResolvers: this.config.upstreamResolvers ?? hostNameservers(),
          // This node's VIP layer is itself the name source (added before any unit starts).
          vips: this.vipLayers.get(node)!,
          masterIps: [this.config.masterIp],
          nodeIp: node.ip,
          publicIps: node.role === 'agent_public' ? [node.ip] : [],
          log: (message, priority) => ctx.log(message, priority),
        });
        const bound = await forwarder.start();
        port = bound.port;
        node.endpoints.dns_forwarder = `${bound.host}:${bound.port}`;
        try {
          node.endpoints.dns_forwarder_api = await http.open();
        } catch (err) {
          await forwarder.stop();
          throw err;
        }
      },
      stop: async () => {
        await http.close();
        await forwarder?.stop();
        forwarder = undefined;
      },
    });
  }

  /**
   * `dcos-minuteman.service` on every node: a TCP proxy on each VIP, fed from the master's state (re-read within
   * 100 ms of a task change, and every 5 s). On one machine every node needs its own VIP addresses, so node i
   * allocates named VIPs from 127.11.i.0/24 — as in DC/OS, a VIP name resolves to the local node's address.
   */
  private addVipUnit(node: ClusterNode, index: number): void {
    const lb = new L4lbUnit({
      vipRange: `127.11.${index}.0/24`,
      workers: this.config.l4lbWorkers,
      api: { host: node.ip, port: this.port('l4lb') },
      masterStateUrl: () => (this.masterNode.endpoints.mesos ? `${this.masterNode.endpoints.mesos}/master/state` : undefined),
    });
    this.vipLayers.set(node, lb);
    this.changeListeners.push(() => lb.refresh());
    this.unit(node, 'dcos-minuteman.service', 'Layer 4 Load Balancer: distributed layer 4 virtual IP load balancer', {
      start: async (ctx) => {
        await lb.start(ctx);
        node.endpoints.l4lb = lb.apiUrl!;
      },
      stop: () => lb.stop(),
    });
  }

  private addMarathonUnit(node: ClusterNode): void {
    let scheduler: MarathonScheduler | undefined;
    const http = new HttpBinding(node.ip, this.port('marathon'), async () => {
      const app = createHttpServer();
      await app.register(marathonRoutes, { scheduler: scheduler! });
      return app;
    });
    this.unit(node, MARATHON_UNIT, 'Marathon: container orchestration engine', {
      start: async (ctx) => {
        const port = await http.reservePort();
        scheduler = new MarathonScheduler({
          master: {
            subscribe: (info, events) => {
              const master = this.master;
              if (!master?.isRunning) return Promise.reject(new MasterError('no master is elected'));
              return master.subscribe(info, events);
            },
          },
          dataDir: join(this.nodeDir(node), 'marathon'),
          hostname: node.ip,
          httpPort: port,
          ...(node.endpoints.mesos === undefined ? {} : { masterUrl: node.endpoints.mesos }),
          log: (m, priority) => ctx.log(m, priority),
          onSubscriptionLost: (m) => ctx.fail(1, m),
        });
        await scheduler.start();
        try {
          node.endpoints.marathon = await http.open();
        } catch (err) {
          await scheduler.stop();
          throw err;
        }
      },
      stop: async () => {
        await http.close();
        await scheduler?.stop();
      },
    });
  }

  private addAgentNode(a: AgentConfig, publicAgent: boolean, agentCount: number): void {
    const node = this.addNode(a.ip, publicAgent ? 'agent_public' : 'agent');
    const workDir = join(this.nodeDir(node), 'mesos-agent');
    const resources = a.resources
      ? Resources.parse(a.resources)
      : defaultAgentResources({ agentCount, dataDir: this.config.dataDir, taskPorts: this.taskPorts }, publicAgent);
    const attributes = publicAgent ? { ...a.attributes, public_ip: 'true' } : { ...a.attributes };
    let ctxRef: UnitContext | undefined;
    const log = (m: string, priority?: Priority) => ctxRef?.log(m, priority);
    const executor: Executor =
      this.config.executor === 'simulated' ? new SimulatedExecutor({ log }) : new ProcessExecutor({ log });
    this.executors.push(executor);
    const link: MasterLink = {
      registerAgent: (info, endpoint, tasks) => {
        const master = this.master;
        if (!master?.isRunning) return Promise.reject(new MasterError('no master is elected'));
        return master.registerAgent(info, endpoint, tasks);
      },
    };
    const port = this.port('agent');
    const agent = new Agent({
      hostname: node.hostname,
      ip: node.ip,
      port,
      resources,
      attributes,
      workDir,
      executor,
      master: link,
      version: MESOS_API_VERSION,
      recover: this.config.recover,
      log,
    });
    this.agents.push(agent);
    const flags = agentFlags(this.config, node.ip, workDir, resources, attributes, publicAgent);
    const http = new HttpBinding(node.ip, port, async () => {
      const app = createHttpServer();
      await app.register(agentHttpPlugin, { agent, flags });
      return app;
    });
    const name = publicAgent ? 'dcos-mesos-slave-public.service' : 'dcos-mesos-slave.service';
    const description = publicAgent
      ? 'Mesos Agent Public: distributed systems kernel public agent'
      : 'Mesos Agent: distributed systems kernel agent';
    this.unit(node, name, description, {
      start: async (ctx) => {
        ctxRef = ctx;
        const url = await http.open();
        node.endpoints.mesos = url;
        // The agent's pid must carry the port it is reachable on.
        agent.port = Number(new URL(url).port);
        flags.master = this.masterNode.endpoints.mesos?.replace(/^http:\/\//, '') ?? '';
        try {
          await agent.start();
        } catch (err) {
          await http.close();
          throw err;
        }
        agent.masterHostname = this.master?.hostname;
        node.id = agent.id ?? node.ip;
        ctx.log(`registered with master as agent ${agent.id}`);
      },
      stop: async () => {
        agent.stop();
        await http.close();
      },
    });
  }

  /** Starts the master node first, then the agents; throws (after stopping what started) if any unit fails. */
  async start(onProgress: (message: string) => void = () => {}): Promise<void> {
    this.id = await readOrCreateClusterId(this.config.dataDir);
    try {
      // The master first, then the agents, then Marathon: Marathon reconciles its tasks as soon as it subscribes,
      // and the master can only answer for agents that have re-registered.
      const [master, ...agents] = this.nodes;
      onProgress(`starting the master node ${master!.ip}`);
      for (const unit of master!.units.inStartOrder()) if (unit.name !== MARATHON_UNIT) await unit.start();
      for (const node of agents) {
        onProgress(`starting ${node.role} ${node.ip}`);
        await node.units.startAll();
      }
      onProgress('starting Marathon');
      await master!.units.get(MARATHON_UNIT)!.start();
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** Kills every task with its grace period, then stops units node by node in reverse; state is flushed. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.executors.map((e) => e.shutdown()));
    const errors: unknown[] = [];
    for (const node of [...this.nodes].reverse()) {
      try {
        await node.units.stopAll({ timeoutMs: 30_000 });
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some units failed to stop');
  }

  endpointsFile(): EndpointsFile {
    return {
      cluster: { id: this.id, name: this.config.clusterName },
      nodes: this.nodes.map((n) => ({ id: n.id, ip: n.ip, role: n.role, hostname: n.hostname, endpoints: { ...n.endpoints } })),
    };
  }

  async writeEndpoints(): Promise<string> {
    const path = join(this.config.dataDir, 'endpoints.json');
    await writeEndpointsFile(path, this.endpointsFile());
    return path;
  }
}

async function readOrCreateClusterId(dataDir: string): Promise<string> {
  const path = join(dataDir, 'cluster-id');
  try {
    const id = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f-]{36}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  await writeFileAtomic(path, `${id}\n`);
  return id;
}

const seconds = (ms: number) => `${ms / 1000}secs`;

function masterFlags(c: ClusterConfig, ip: string, workDir: string): Record<string, string> {
  return {
    agent_ping_timeout: seconds(c.agentPingTimeoutMs),
    agent_reregister_timeout: '10mins',
    allocation_interval: seconds(c.allocationIntervalMs),
    allocator: 'HierarchicalDRF',
    authenticate_agents: 'false',
    authenticate_frameworks: 'false',
    authenticate_http_readonly: 'false',
    authenticate_http_readwrite: 'false',
    cluster: c.clusterName,
    filter_gpu_resources: 'true',
    hostname: ip,
    ip,
    max_agent_ping_timeouts: String(c.maxAgentPingTimeouts),
    max_completed_frameworks: '50',
    max_completed_tasks_per_framework: '1000',
    min_allocatable_resources: 'cpus:0.01|mem:32',
    registry: 'replicated_log',
    registry_max_agent_age: seconds(c.registryMaxAgentAgeMs),
    registry_store_timeout: '20secs',
    roles_enabled: 'true',
    work_dir: workDir,
  };
}

function agentFlags(
  c: ClusterConfig,
  ip: string,
  workDir: string,
  resources: Resources,
  attributes: Record<string, string>,
  publicAgent: boolean,
): Record<string, string> {
  return {
    attributes: Object.entries(attributes)
      .map(([k, v]) => `${k}:${v}`)
      .join(';'),
    containerizers: 'mesos',
    ...(publicAgent ? { default_role: PUBLIC_ROLE } : {}),
    executor_shutdown_grace_period: '5secs',
    hostname: ip,
    ip,
    isolation: c.executor === 'simulated' ? 'simulated' : 'posix/cpu,posix/mem',
    master: '',
    recover: c.recover,
    resources: resources.toString(),
    switch_user: 'true',
    work_dir: workDir,
  };
}
