/**
 * `dcos-adminrouter.service` on masters and `dcos-adminrouter-agent.service` on agents and public agents: one door
 * per node (masters 80 as root, else 8000; agents 61001), published as the `adminrouter` endpoint. Upstreams are
 * the nodes' published endpoints, read at each request; `/mesos/` follows the elected master. The master's starts
 * without auth (DC/OS's `adminrouter_auth_enabled: false`) unless a descriptor is built with one.
 */
import { HttpBinding } from '../cluster/http-binding.ts';
import type { ClusterNode, NodeServiceContext, NodeServiceDescriptor } from '../cluster/node-service.ts';
import { RUNTIME_SERVICES } from '../cluster/runtime-services.ts';
import type { AdminRouterAuth } from './adminrouter-auth.ts';
import type { AdminRouterUpstreams } from './adminrouter-upstreams.ts';
import type { UnitBehavior } from '../units/unit.ts';
import { AdminRouter, type ReloadableAdminRouter } from './adminrouter.ts';

export const ADMINROUTER_UNIT = 'dcos-adminrouter.service';
export const ADMINROUTER_AGENT_UNIT = 'dcos-adminrouter-agent.service';

/** Where a node's Admin Router's upstreams are: its own endpoints, the leader, and every agent's Admin Router. */
function clusterUpstreams({ cluster, node }: NodeServiceContext): AdminRouterUpstreams {
  const agentUrl = (n: ClusterNode) => n.endpoints.adminrouter;
  return {
    endpoint: (name) => node.endpoints[name],
    leadingMaster: () => {
      const master = cluster.leader.current;
      // A master's pid is `master@ip:port`, the address it serves its API on.
      return master?.isRunning ? `http://${master.pid.slice(master.pid.indexOf('@') + 1)}` : undefined;
    },
    agents: () => cluster.nodes.filter((n) => n.role !== 'master').map((n) => ({ id: n.id, ip: n.ip, url: agentUrl(n) })),
  };
}

function adminRouter(ctx: NodeServiceContext, flavour: 'master' | 'agent', auth?: AdminRouterAuth): UnitBehavior & ReloadableAdminRouter {
  const { config } = ctx.cluster;
  const configured = flavour === 'master' ? config.adminrouterMasterPort : config.adminrouterAgentPort;
  const router = new AdminRouter({ flavour, upstreams: clusterUpstreams(ctx), maxBodyBytes: config.adminrouterMaxBodyBytes, ...(auth ? { auth } : {}) });
  const port = configured ?? ctx.port(flavour === 'master' ? 'adminrouterMaster' : 'adminrouterAgent');
  const http = new HttpBinding(ctx.node.ip, port, (options) => router.server(options));
  return {
    start: async (unitCtx) => {
      const url = await http.open(unitCtx.log);
      ctx.publish('adminrouter', url);
      unitCtx.log(`${router.description} on ${url}`);
    },
    stop: () => http.close(),
    reload: () => router.reload(),
  };
}

const AFTER = RUNTIME_SERVICES.map((s) => s.unit);

/**
 * The master's Admin Router; `auth` (runtime/adminrouter/auth/, or a function building it for the node) protects
 * the "A" locations of DC/OS's table.
 */
export function adminrouterMasterService(auth?: AdminRouterAuth | ((ctx: NodeServiceContext) => AdminRouterAuth | undefined)): NodeServiceDescriptor {
  return {
    unit: ADMINROUTER_UNIT,
    description: 'Admin Router Master: a high performance web server and a reverse proxy server',
    roles: ['master'],
    after: AFTER,
    endpoints: ['adminrouter'],
    create: (ctx) => adminRouter(ctx, 'master', typeof auth === 'function' ? auth(ctx) : auth),
  };
}

export const adminrouterAgentService: NodeServiceDescriptor = {
  unit: ADMINROUTER_AGENT_UNIT,
  description: 'Admin Router Agent: a high performance web server and a reverse proxy server',
  roles: ['agent', 'agent_public'],
  after: AFTER,
  endpoints: ['adminrouter'],
  create: (ctx) => adminRouter(ctx, 'agent'),
};

