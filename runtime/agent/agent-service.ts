/**
 * `dcos-mesos-slave.service` on private agents and `dcos-mesos-slave-public.service` on public ones: a Mesos agent
 * with its HTTP API, running tasks through the configured executor. The agent and its executor outlive unit
 * restarts (tasks keep running while the unit is stopped, as with Mesos's checkpointing); a re-elected master is
 * re-registered with at once.
 */
import { join } from 'node:path';
import { Resources } from '../mesos/resources.ts';
import { defaultAgentResources, PUBLIC_ROLE } from '../cluster/agent-resources.ts';
import type { ClusterConfig } from '../cluster/cluster-config.ts';
import { HttpBinding } from '../cluster/http-binding.ts';
import type { NodeServiceContext, NodeServiceDescriptor } from '../cluster/node-service.ts';
import { createHttpServer } from '../http/http-server.ts';
import { MESOS_API_VERSION } from '../mesos/json/build-info.ts';
import { MASTER_UNIT } from '../master/master-service.ts';
import { resolvConfPath } from '../timers/dns/gen-resolvconf-service.ts';
import type { UnitBehavior } from '../units/unit.ts';
import type { UnitLog } from '../units/unit-log.ts';
import { Agent } from './agent.ts';
import type { Executor } from './executor.ts';
import { agentHttpPlugin } from './http/agent-http-plugin.ts';
import { ProcessExecutor } from './process-executor.ts';
import { SimulatedExecutor } from './simulated-executor.ts';

export const AGENT_UNIT = 'dcos-mesos-slave.service';
export const PUBLIC_AGENT_UNIT = 'dcos-mesos-slave-public.service';

export const agentService: NodeServiceDescriptor = {
  unit: AGENT_UNIT,
  description: 'Mesos Agent: distributed systems kernel agent',
  roles: ['agent'],
  after: [MASTER_UNIT],
  endpoints: ['mesos'],
  create: (ctx) => agentBehavior(ctx, false),
};

export const publicAgentService: NodeServiceDescriptor = {
  unit: PUBLIC_AGENT_UNIT,
  description: 'Mesos Agent Public: distributed systems kernel public agent',
  roles: ['agent_public'],
  after: [MASTER_UNIT],
  endpoints: ['mesos'],
  create: (ctx) => agentBehavior(ctx, true),
};

function agentBehavior({ cluster, node, nodeDir, port, publish }: NodeServiceContext, publicAgent: boolean): UnitBehavior {
  const { config, leader } = cluster;
  const workDir = join(nodeDir, 'mesos-agent');
  const a = node.agent ?? { ip: node.ip, attributes: {} };
  const resources = a.resources
    ? Resources.parse(a.resources)
    : defaultAgentResources({ agentCount: cluster.agentCount, dataDir: config.dataDir, taskPorts: cluster.taskPorts }, publicAgent);
  const attributes = publicAgent ? { ...a.attributes, public_ip: 'true' } : { ...a.attributes };
  // Executors log into whichever run of the unit is current (tasks outlive a unit restart).
  let current: UnitLog | undefined;
  const log: UnitLog = (m, priority) => current?.(m, priority);
  const executor: Executor =
    config.executor === 'simulated'
      ? new SimulatedExecutor({ log })
      : new ProcessExecutor({ log, resolvConfPath: resolvConfPath(nodeDir), dnsForwarder: () => node.endpoints.dns_forwarder });
  cluster.addExecutor(executor);
  const agent = new Agent({
    hostname: node.hostname,
    ip: node.ip,
    port: port('agent'),
    resources,
    attributes,
    workDir,
    executor,
    master: { registerAgent: async (info, endpoint, tasks) => leader.require().registerAgent(info, endpoint, tasks) },
    version: MESOS_API_VERSION,
    recover: config.recover,
    log,
  });
  leader.onElected((_master, reelected) => {
    // An agent that stayed up re-registers with the new master, as it would on a leader change.
    if (reelected && agent.isOnline) void agent.start().catch(() => undefined);
  });
  const flags = agentFlags(config, node.ip, workDir, resources, attributes, publicAgent);
  const http = new HttpBinding(node.ip, port('agent'), async (options) => {
    const app = createHttpServer(options);
    await app.register(agentHttpPlugin, { agent, flags });
    return app;
  });
  return {
    start: async (ctx) => {
      current = ctx.log;
      const url = await http.open(ctx.log);
      publish('mesos', url);
      // The agent's pid must carry the port it is reachable on.
      agent.port = Number(new URL(url).port);
      flags.master = cluster.masterNode.endpoints.mesos?.replace(/^http:\/\//, '') ?? '';
      try {
        await agent.start();
      } catch (err) {
        await http.close();
        throw err;
      }
      agent.masterHostname = leader.current?.hostname;
      node.id = agent.id ?? node.ip;
      ctx.log(`registered with master as agent ${agent.id}`);
    },
    stop: async () => {
      agent.stop();
      await http.close();
    },
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
