/**
 * The embedded cluster: one master node and private/public agent nodes, each on its own loopback address with its
 * own unit registry. What runs where is not written here: each component declares itself as a node service
 * (runtime/cluster/node-service.ts); the cluster places those descriptors on the nodes of their roles and starts
 * the units in `after` order, stopping in reverse. Components find each other in process (followers of the master
 * through the MasterLeader); users and observers find them through `DATA_DIR/endpoints.json`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Executor } from '../agent/executor.ts';
import type { Master } from '../master/master.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import { Unit, type UnitBehavior } from '../units/unit.ts';
import { UnitJournal } from '../units/unit-journal.ts';
import { UnitRegistry } from '../units/unit-registry.ts';
import type { ClusterConfig } from './cluster-config.ts';
import { type EndpointsFile, type NodeRole, writeEndpointsFile } from './endpoints-file.ts';
import { MasterLeader } from './master-leader.ts';
import type { ClusterNode, ClusterServices, NodeServiceContext, NodeServiceDescriptor } from './node-service.ts';
import { RUNTIME_SERVICES } from './runtime-services.ts';
import { placeServices } from './service-order.ts';
import { STANDARD_PORTS } from './standard-ports.ts';
import { claimTaskPortBlock } from './task-port-block.ts';

export type { ClusterNode } from './node-service.ts';

export class Cluster {
  /** Persisted in DATA_DIR/cluster-id; known once `start` has begun. */
  id = '';
  readonly nodes: ClusterNode[] = [];
  readonly leader = new MasterLeader();
  private readonly executors: Executor[] = [];
  /** Every unit of every node, in start order. */
  private readonly startOrder: Unit[] = [];
  /** Oneshot services their timers start, skipped by `start`. */
  private readonly triggered = new Set<Unit>();

  constructor(
    readonly config: ClusterConfig,
    services: readonly NodeServiceDescriptor[] = RUNTIME_SERVICES,
  ) {
    mkdirSync(config.dataDir, { recursive: true });
    const masterNode = this.addNode(config.masterIp, 'master');
    for (const a of config.agents) this.addNode(a.ip, 'agent', a);
    for (const a of config.publicAgents) this.addNode(a.ip, 'agent_public', a);
    const shared: ClusterServices = {
      config,
      leader: this.leader,
      masterNode,
      nodes: this.nodes,
      agentCount: config.agents.length + config.publicAgents.length,
      taskPorts: config.taskPorts ?? (config.ports === 'ephemeral' ? claimTaskPortBlock(config.dataDir) : undefined),
      addExecutor: (e) => void this.executors.push(e),
    };
    const behaviors = new Map<ClusterNode, Map<string, UnitBehavior>>(this.nodes.map((n) => [n, new Map()]));
    for (const { node, nodeIndex, service } of placeServices(this.nodes, services)) {
      const context: NodeServiceContext = {
        cluster: shared,
        node,
        nodeIndex,
        nodeDir: this.nodeDir(node),
        port: (kind) => (config.ports === 'standard' ? STANDARD_PORTS[kind] : 0),
        publish: (endpoint, address) => {
          if (!service.endpoints.includes(endpoint))
            throw new Error(`${service.unit} publishes '${endpoint}', which its descriptor does not declare`);
          node.endpoints[endpoint] = address;
        },
        peer: (unit) => behaviors.get(node)!.get(unit),
      };
      const behavior = service.create(context);
      behaviors.get(node)!.set(service.unit, behavior);
      const unit = node.units.add(this.unit(node, service, behavior));
      this.startOrder.push(unit);
      if (service.triggeredBy) this.triggered.add(unit);
    }
  }

  /** The elected master, undefined while none is. */
  get master(): Master | undefined {
    return this.leader.current;
  }

  private addNode(ip: string, role: NodeRole, agent?: ClusterNode['agent']): ClusterNode {
    const node: ClusterNode = { ip, role, hostname: ip, units: new UnitRegistry(), endpoints: {}, id: ip, ...(agent ? { agent } : {}) };
    this.nodes.push(node);
    return node;
  }

  nodeDir(node: { ip: string }): string {
    return join(this.config.dataDir, 'nodes', node.ip);
  }

  private unit(node: ClusterNode, service: NodeServiceDescriptor, behavior: UnitBehavior): Unit {
    return new Unit({
      name: service.unit,
      description: service.description,
      behavior,
      journal: new UnitJournal({ dataDir: this.nodeDir(node), unit: service.unit }),
      restart: service.triggeredBy ? 'no' : 'always',
      restartSecMs: 1000,
      timeoutStartMs: service.triggeredBy?.runTimeoutMs ?? 60_000,
      timeoutStopMs: 60_000,
    });
  }

  private nodeOf(unit: Unit): ClusterNode {
    return this.nodes.find((n) => n.units.get(unit.name) === unit)!;
  }

  /** Starts every unit in `after` order; throws (after stopping what started) if any unit fails to start. */
  async start(onProgress: (message: string) => void = () => {}): Promise<void> {
    this.id = await readOrCreateClusterId(this.config.dataDir);
    try {
      for (const unit of this.startOrder) {
        if (this.triggered.has(unit)) continue; // its timer starts it
        onProgress(`starting ${unit.name} on ${this.nodeOf(unit).ip}`);
        await unit.start();
      }
    } catch (err) {
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** Kills every task with its grace period, then stops the units in reverse start order; state is flushed. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.executors.map((e) => e.shutdown()));
    const errors: unknown[] = [];
    for (const unit of [...this.startOrder].reverse()) {
      try {
        await unit.stop({ timeoutMs: 30_000 });
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some units failed to stop');
  }

  endpointsFile(): EndpointsFile {
    return {
      cluster: { id: this.id, name: this.config.clusterName },
      nodes: this.nodes.map((n) => ({
        id: n.id,
        ip: n.ip,
        role: n.role,
        hostname: n.hostname,
        units: n.units.list().map((u) => u.name),
        endpoints: { ...n.endpoints },
      })),
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
