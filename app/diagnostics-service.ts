/**
 * `dcos-diagnostics.service` on every node (and `dcos-diagnostics.socket` on agents, as DC/OS has): the node's
 * `GET /system/health/v1`, published as the `diagnostics` endpoint; on the master also the cluster pull and the
 * aggregated routes. Ports: masters 1050 (DC/OS's); agents 61050, which the master reaches through the agent's Admin Router
 * (61001) as DC/OS's did.
 */
import { join } from 'node:path';
import { MINIDC_VERSION } from './minidc-version.ts';
import { nodeBundleContent, secretsFrom } from '../diagnostics/bundles/content/node-bundle-content.ts';
import { diagnosisText } from '../diagnostics/bundles/diagnosis/cluster-diagnosis.ts';
import type { ClusterNodeRef } from '../diagnostics/cluster/cluster-node.ts';
import { NodeDiscovery } from '../diagnostics/cluster/node-discovery.ts';
import { DiagnosticsUnit } from '../diagnostics/diagnostics-unit.ts';
import type { NodeServiceDescriptor } from '../runtime/cluster/node-service.ts';
import { RUNTIME_SERVICES } from '../runtime/cluster/runtime-services.ts';
import { STANDARD_PORTS } from '../runtime/cluster/standard-ports.ts';
import { createHttpServer, journalInternalErrors } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import type { UnitBehavior } from '../runtime/units/unit.ts';

export const DIAGNOSTICS_UNIT = 'dcos-diagnostics.service';
export const DIAGNOSTICS_SOCKET_UNIT = 'dcos-diagnostics.socket';

/** DC/OS's socket unit owns the agent's listener; here the service binds it, and the socket unit marks its place. */
export const diagnosticsSocketService: NodeServiceDescriptor = {
  unit: DIAGNOSTICS_SOCKET_UNIT,
  description: 'DC/OS Diagnostics Agent Socket: socket for DC/OS Diagnostics Agent',
  roles: ['agent', 'agent_public'],
  after: [],
  endpoints: [],
  create: () => ({
    start: async (ctx) => ctx.log('listening for dcos-diagnostics.service'),
    stop: async () => {},
  }),
};

export const diagnosticsService: NodeServiceDescriptor = {
  unit: DIAGNOSTICS_UNIT,
  description: 'DC/OS Diagnostics: collects and serves the health of the node (and, on masters, of the cluster)',
  roles: ['master', 'agent', 'agent_public'],
  after: [...RUNTIME_SERVICES.map((s) => s.unit), DIAGNOSTICS_SOCKET_UNIT],
  endpoints: ['diagnostics'],
  create: ({ cluster, node, nodeDir, port, publish }) => {
    const isMaster = node.role === 'master';
    const embedded = (ip: string) => cluster.nodes.find((n) => n.ip === ip);
    // Where the master reaches a node's diagnostics, as DC/OS did: a master's directly, an agent's through its Admin
    // Router (an embedded agent's before its Admin Router has bound: directly); a node from elsewhere on DC/OS's ports.
    const nodeUrl = (ref: ClusterNodeRef): string | undefined => {
      const local = embedded(ref.ip);
      if (local) return ref.role === 'master' ? local.endpoints.diagnostics : (local.endpoints.adminrouter ?? local.endpoints.diagnostics);
      return `http://${ref.ip}:${ref.role === 'master' ? STANDARD_PORTS.diagnosticsMaster : STANDARD_PORTS.adminrouterAgent}`;
    };
    const discovery = new NodeDiscovery({ mesosUrl: () => cluster.masterNode.endpoints.mesos, masters: [cluster.config.masterIp] });
    const { config } = cluster;
    // What a bundle must never carry: secret-looking values of the cluster's config and of this process's environment.
    const secrets = secretsFrom(config, process.env);
    const units = node.units.reader();
    const diagnostics: DiagnosticsUnit = new DiagnosticsUnit({
      units,
      identity: () => ({
        hostname: node.hostname,
        ip: node.ip,
        dcos_version: process.env.DCOS_VERSION ?? MINIDC_VERSION,
        node_role: node.role,
        mesos_id: node.id,
        dcos_diagnostics_version: MINIDC_VERSION,
      }),
      endpoints: () => node.endpoints,
      host: node.ip,
      port: port(isMaster ? 'diagnosticsMaster' : 'diagnosticsAgent'),
      ...(isMaster
        ? {
            pull: { discovery, nodeUrl, time: systemTime, intervalMs: config.diagnosticsPullIntervalMs },
          }
        : {}),
      bundles: {
        dir: join(nodeDir, 'diagnostics', 'bundles'),
        clock: systemTime,
        retention: config.diagnosticsBundleRetention,
        timeoutMs: config.diagnosticsBundleTimeoutMs,
        minFreeBytes: config.diagnosticsMinFreeDiskBytes,
        content: nodeBundleContent({
          units,
          role: node.role,
          hostname: node.hostname,
          endpoints: () => node.endpoints,
          health: () => diagnostics.nodeHealth(),
          ...(isMaster ? {} : { agentWorkDir: join(nodeDir, 'mesos-agent') }),
          secrets,
        }),
        ...(isMaster
          ? {
              cluster: {
                discovery,
                nodeUrl,
                masterIp: node.ip,
                masterPort: () => Number(new URL(diagnostics.url ?? 'http://unbound:0').port),
                diagnosis: () =>
                  diagnosisText({
                    report: () => diagnostics.freshReport(),
                    mesosUrl: cluster.masterNode.endpoints.mesos,
                    marathonUrl: cluster.masterNode.endpoints.marathon,
                    metricsUrl: (n) => {
                      const local = embedded(n.ip);
                      if (local === undefined) return `http://${n.ip}:${STANDARD_PORTS.metrics}/metrics`;
                      return local.endpoints.metrics === undefined ? undefined : `${local.endpoints.metrics}/metrics`;
                    },
                  }),
              },
            }
          : {}),
      },
      createServer: (log) => createHttpServer({ onInternalError: journalInternalErrors(log) }),
      listen: listenHttp,
    });
    const behavior: UnitBehavior = {
      start: async (ctx) => {
        await diagnostics.start(ctx);
        publish('diagnostics', diagnostics.url!);
      },
      stop: () => diagnostics.stop(),
    };
    return behavior;
  },
};
