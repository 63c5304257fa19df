/**
 * The agent's Admin Router locations (port 61001; DC/OS's open `includes/server/agent.conf`): the node's health
 * (what the master's dcos-diagnostics pulls, and its bundles), its journals (dcos-log), its metrics and the version document. No auth, as
 * in DC/OS's open flavour; anything else is a 404.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminRouterAuth } from './adminrouter-auth.ts';
import type { AdminRouterUpstreams } from './adminrouter-upstreams.ts';
import { dcosVersionPlugin } from './dcos-version.ts';
import { registerProxyLocation, type ProxyLocation, type ProxyOptions } from './proxy-location.ts';

export interface AgentLocationsOptions extends ProxyOptions {
  upstreams: AdminRouterUpstreams;
}

/** What every node's Admin Router serves of the node itself: `/system/health/v1` and `/system/v1/logs` (paths kept) and the metrics. */
export function nodeLocations(upstreams: AdminRouterUpstreams, guard?: AdminRouterAuth['guard']): ProxyLocation[] {
  const auth = guard === undefined ? {} : { guard };
  return [
    { prefix: '/system/health/v1', rewritePrefix: '/system/health/v1', bare: true, upstream: 'diagnostics', target: () => upstreams.endpoint('diagnostics'), ...auth },
    // dcos-log's journal API, served (path kept) by the node's diagnostics server.
    { prefix: '/system/v1/logs', rewritePrefix: '/system/v1/logs', upstream: 'diagnostics', target: () => upstreams.endpoint('diagnostics'), ...auth },
    { prefix: '/system/v1/metrics', rewritePrefix: '', upstream: 'metrics', target: () => upstreams.endpoint('metrics'), ...auth },
  ];
}

export async function agentLocations(app: FastifyInstance, options: AgentLocationsOptions): Promise<void> {
  for (const location of nodeLocations(options.upstreams)) await registerProxyLocation(app, location, options);
  await app.register(dcosVersionPlugin);
}
