/**
 * The agent's HTTP surface with Mesos's paths and field names, so tools written for a Mesos agent work unchanged:
 *
 *   /state, /flags, /health, /containers   also as /slave(1)/… (libprocess routes bare paths to the agent process)
 *   /version                                build and version
 *   /metrics/snapshot                       slave/* and system/* keys
 *   /files/browse, /files/read, /files/download   task sandboxes
 *
 * JSON endpoints accept `?jsonp=`. Register on a server from createHttpServer(), which gives the JSON error bodies.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Agent } from '../agent.ts';
import { sendJson } from '../../http/jsonp.ts';
import { metricsSnapshotPlugin, type MetricsCollect } from '../../http/metrics-snapshot-plugin.ts';
import { BUILD_INFO } from '../../mesos/json/build-info.ts';
import { collectAgentMetrics } from './agent-metrics.ts';
import { agentStateJson, type AgentFlags } from './agent-state-json.ts';
import { containersJson } from './containers-json.ts';
import { queryParam } from './query-params.ts';
import { sandboxFilesPlugin } from './sandbox-files-plugin.ts';

export interface AgentHttpOptions {
  agent: Agent;
  /** The agent's flags as Mesos prints them (name → string value), for `/flags` and `/state`. */
  flags: AgentFlags;
  /** Agent capabilities listed in `/state`. Default MULTI_ROLE, HIERARCHICAL_ROLE, RESERVATION_REFINEMENT. */
  capabilities?: readonly string[];
  /** More snapshot keys from the same node (e.g. gc/*, containerizer/*), added after the agent's own. */
  extraMetrics?: MetricsCollect;
  /** Most bytes one `/files/read` returns. Default 16 MiB. */
  maxReadBytes?: number;
  /** Where Linux's process table is mounted; tests point it elsewhere. Default /proc. */
  procDir?: string;
  /** Wall clock in epoch ms. Default Date.now. */
  now?: () => number;
}

/** libprocess lets a request leave out the process id, so each agent route answers under both prefixes. */
const AGENT_PREFIXES = ['', '/slave(1)'] as const;

export const agentHttpPlugin: FastifyPluginAsync<AgentHttpOptions> = async (app, options) => {
  const { agent, flags } = options;
  const now = options.now ?? Date.now;
  const stateOptions = { flags, ...(options.capabilities ? { capabilities: options.capabilities } : {}) };

  for (const prefix of AGENT_PREFIXES) {
    app.get(`${prefix}/state`, async (request, reply) => sendJson(request, reply, agentStateJson(agent, stateOptions)));
    app.get(`${prefix}/flags`, async (request, reply) => sendJson(request, reply, { flags }));
    // Mesos answers 200 with an empty body while the agent process runs.
    app.get(`${prefix}/health`, async (_request, reply) => reply.code(200).send());
    app.get(`${prefix}/containers`, async (request, reply) => {
      const containerId = queryParam(request, 'container_id');
      const list = await containersJson(agent, {
        nowMs: now(),
        ...(containerId === undefined ? {} : { containerId }),
        ...(options.procDir === undefined ? {} : { procDir: options.procDir }),
      });
      return sendJson(request, reply, list);
    });
  }

  app.get('/version', async (request, reply) => sendJson(request, reply, { ...BUILD_INFO, version: agent.options.version }));

  await app.register(metricsSnapshotPlugin, {
    collect: (out) => {
      collectAgentMetrics(agent, out, now());
      return options.extraMetrics?.(out);
    },
  });
  await app.register(sandboxFilesPlugin, {
    agent,
    ...(options.maxReadBytes === undefined ? {} : { maxReadBytes: options.maxReadBytes }),
  });
};
