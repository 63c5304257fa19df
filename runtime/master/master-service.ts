/**
 * `dcos-mesos-master.service` on the master node: the Mesos master with its HTTP API, registry in
 * `<node>/mesos-master/registry.json`. Each start is an election; the followers (agents, Marathon) hear of it
 * through the cluster's MasterLeader.
 */
import { join } from 'node:path';
import { createHttpServer } from '../http/http-server.ts';
import { HttpBinding } from '../cluster/http-binding.ts';
import type { ClusterConfig } from '../cluster/cluster-config.ts';
import type { NodeServiceDescriptor } from '../cluster/node-service.ts';
import { masterHttpPlugin } from './http/master-http-plugin.ts';
import { Master } from './master.ts';
import { Registrar } from './registrar.ts';

export const MASTER_UNIT = 'dcos-mesos-master.service';

export const masterService: NodeServiceDescriptor = {
  unit: MASTER_UNIT,
  description: 'Mesos Master: distributed systems kernel',
  roles: ['master'],
  after: [],
  endpoints: ['mesos'],
  create: ({ cluster, node, nodeDir, port, publish }) => {
    const { config, leader } = cluster;
    const workDir = join(nodeDir, 'mesos-master');
    const flags = masterFlags(config, node.ip, workDir);
    const http = new HttpBinding(node.ip, port('master'), async (options) => {
      const app = createHttpServer(options);
      await app.register(masterHttpPlugin, { master: () => leader.current, flags });
      return app;
    });
    return {
      start: async (ctx) => {
        // The master's pid carries its bound port, so bind first (the routes answer 503 until it is elected).
        const url = await http.open(ctx.log);
        publish('mesos', url);
        const master = new Master({
          hostname: node.hostname,
          ip: node.ip,
          port: Number(new URL(url).port),
          registrar: new Registrar(join(workDir, 'registry.json')),
          clusterName: config.clusterName,
          agentPingTimeoutMs: config.agentPingTimeoutMs,
          maxAgentPingTimeouts: config.maxAgentPingTimeouts,
          allocationIntervalMs: config.allocationIntervalMs,
          registryMaxAgentAgeMs: config.registryMaxAgentAgeMs,
          log: (m, priority) => ctx.log(m, priority),
        });
        try {
          await master.start();
        } catch (err) {
          await http.close();
          throw err;
        }
        node.id = master.id;
        ctx.log(`elected master ${master.id} at ${master.pid}`);
        leader.elect(master);
      },
      stop: async () => {
        const master = leader.resign();
        await http.close();
        await master?.stop();
      },
    };
  },
};

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
