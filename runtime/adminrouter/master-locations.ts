/**
 * The master's Admin Router locations (DC/OS's `includes/server/master.conf`, reference D.2), as a fastify plugin.
 * Prefixes are stripped as DC/OS's `proxy_pass http://…/;` strips them, except `/system/health/v1`, whose path
 * dcos-diagnostics serves as is. Protected locations ("A" in D.2) ask `auth.guard` first; the version document,
 * the `/marathon` redirect and the login routes are open. Anything else is a 404.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../http/http-error.ts';
import type { AdminRouterAuth } from './adminrouter-auth.ts';
import type { AdminRouterUpstreams } from './adminrouter-upstreams.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { nodeLocations } from './agent-locations.ts';
import { dcosVersionPlugin } from './dcos-version.ts';
import { registerProxyLocation, type ProxyLocation, type ProxyOptions } from './proxy-location.ts';
import { statusUiLocation } from './status-ui-location.ts';

export interface MasterLocationsOptions extends ProxyOptions {
  upstreams: AdminRouterUpstreams;
  agents: AgentDirectory;
  /** Absent: DC/OS's `adminrouter_auth_enabled: false`, every location open. */
  auth?: AdminRouterAuth;
}

export async function masterLocations(app: FastifyInstance, options: MasterLocationsOptions): Promise<void> {
  const { upstreams, agents, auth } = options;
  const guard = auth === undefined ? {} : { guard: auth.guard.bind(auth) };
  const endpoint = (name: string): Pick<ProxyLocation, 'target' | 'upstream'> => ({ upstream: name, target: () => upstreams.endpoint(name) });
  const agentOf = (request: FastifyRequest) => {
    const { agentId } = request.params as { agentId: string };
    const agent = agents.find(agentId);
    if (agent === undefined) throw notFound(`Not found: no agent with id '${agentId}'`);
    return agent;
  };
  const agentLocation = (prefix: string, rewritePrefix: string): ProxyLocation => ({
    prefix: `/system/v1/agent/:agentId${prefix}`,
    rewritePrefix,
    target: (request) => agentOf(request).url,
    upstream: (request) => `the Admin Router of agent ${(request.params as { agentId: string }).agentId}`,
    ...guard,
  });
  const locations: ProxyLocation[] = [
    { prefix: '/mesos', rewritePrefix: '', upstream: 'the leading master', target: () => upstreams.leadingMaster(), ...guard },
    // DC/OS rewrites /marathon/ to /service/marathon/ internally: the same upstream, the same guard.
    { prefix: '/marathon', rewritePrefix: '', ...endpoint('marathon'), ...guard },
    { prefix: '/service/marathon', rewritePrefix: '', ...endpoint('marathon'), ...guard },
    { prefix: '/dcos-history-service', rewritePrefix: '', ...endpoint('history'), ...guard },
    { prefix: '/mesos_dns', rewritePrefix: '', ...endpoint('mesos_dns'), ...guard },
    ...nodeLocations(upstreams, auth?.guard.bind(auth)),
    // DC/OS's `^/system/v1/agent/<id>(/logs.*|/metrics/v0.*|/dcos-metadata/dcos-version.json)`: the agent's
    // /system/v1/… surfaces, and its version document where the agent serves it.
    agentLocation('/dcos-metadata', '/dcos-metadata'),
    agentLocation('', '/system/v1'),
  ];
  for (const location of locations) await registerProxyLocation(app, location, options);
  app.get('/marathon', redirectSchema, async (_request, reply) => reply.redirect('/marathon/', 307));
  app.get('/service/marathon', redirectSchema, async (_request, reply) => reply.redirect('/service/marathon/', 301));
  await app.register(dcosVersionPlugin);
  await app.register(statusUiLocation);
  if (auth !== undefined) await auth.registerRoutes(app);
}

const redirectSchema = { schema: { response: { '3xx': { type: 'null' } } } } as const;
