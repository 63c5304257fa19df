/**
 * A node service as a declaration: which unit, on which node roles, started after which units, publishing which
 * endpoints, and a factory of its unit behaviour. Each component exports its descriptor from a `*-service.ts` file
 * beside it; the cluster places descriptors on nodes and starts them in `after` order. Nothing else in the
 * cluster knows what a component is.
 */
import type { Executor } from '../agent/executor.ts';
import type { UnitBehavior } from '../units/unit.ts';
import type { UnitRegistry } from '../units/unit-registry.ts';
import type { AgentConfig, ClusterConfig } from './cluster-config.ts';
import type { NodeRole } from './endpoints-file.ts';
import type { MasterLeader } from './master-leader.ts';
import type { STANDARD_PORTS } from './standard-ports.ts';

export interface ClusterNode {
  readonly ip: string;
  readonly role: NodeRole;
  readonly hostname: string;
  readonly units: UnitRegistry;
  /** Endpoint name → URL or host:port, filled in as units bind. */
  readonly endpoints: Record<string, string>;
  /** Node id as endpoints.json gives it: the Mesos master/agent id once known. */
  id: string;
  /** The agent's configured resources and attributes (agent nodes only). */
  readonly agent?: AgentConfig;
}

/** What the whole cluster shares with each service. */
export interface ClusterServices {
  readonly config: ClusterConfig;
  readonly leader: MasterLeader;
  readonly masterNode: ClusterNode;
  readonly nodes: readonly ClusterNode[];
  /** Private plus public agents: default agent resources split the host between them. */
  readonly agentCount: number;
  /** The task port range agents offer when their resources are not configured (undefined: Mesos's default). */
  readonly taskPorts: string | undefined;
  /** Task executors, shut down (every task killed with its grace period) before any unit stops. */
  addExecutor(executor: Executor): void;
}

export interface NodeServiceContext {
  readonly cluster: ClusterServices;
  readonly node: ClusterNode;
  /** The node's position in the cluster (0: the master node). */
  readonly nodeIndex: number;
  /** `DATA_DIR/nodes/<ip>`: the node's journals and component state. */
  readonly nodeDir: string;
  /** DC/OS's port for a component with `--ports standard`, 0 (the OS picks) with `ephemeral`. */
  port(kind: keyof typeof STANDARD_PORTS): number;
  /** Records where one of this service's declared endpoints is bound. */
  publish(endpoint: string, address: string): void;
  /** The behaviour of another unit on this node (placed before this one), e.g. the VIP layer the forwarder reads. */
  peer(unit: string): UnitBehavior | undefined;
}

export interface NodeServiceDescriptor {
  /** As DC/OS names it, e.g. `dcos-mesos-master.service`. */
  readonly unit: string;
  /** DC/OS's "Name: description". */
  readonly description: string;
  readonly roles: readonly NodeRole[];
  /**
   * Units this one starts after, on any node: the embedded cluster is one machine, so "after the agents" is a
   * dependency on every agent node's unit. Stopping runs in reverse.
   */
  readonly after: readonly string[];
  /** Endpoint names (endpoints.json keys) this service publishes. */
  readonly endpoints: readonly string[];
  /**
   * A oneshot service a timer starts (systemd: TriggeredBy=): not started with the node, never restarted by the
   * cluster (a failed run stays failed until the next good one), each run bounded by `runTimeoutMs`.
   */
  readonly triggeredBy?: { readonly timer: string; readonly runTimeoutMs: number };
  create(ctx: NodeServiceContext): UnitBehavior;
}
