/**
 * A node's Admin Router: the server of its locations (the master's or the agent's) and what outlives a unit restart,
 * the agent directory. `server` builds a fresh fastify instance for each unit run (the descriptor binds it);
 * `reload` re-reads the directory and resolves every upstream afresh, for dcos-adminrouter-reload.service.
 */
import type { FastifyInstance } from 'fastify';
import { createHttpServer, type HttpServerOptions } from '../http/http-server.ts';
import type { AdminRouterAuth } from './adminrouter-auth.ts';
import type { AdminRouterUpstreams } from './adminrouter-upstreams.ts';
import { AgentDirectory } from './agent-directory.ts';
import { agentLocations } from './agent-locations.ts';
import { masterLocations } from './master-locations.ts';
import type { ProxyOptions } from './proxy-location.ts';

export interface AdminRouterOptions extends ProxyOptions {
  flavour: 'master' | 'agent';
  upstreams: AdminRouterUpstreams;
  /** Master only; absent: every location open. */
  auth?: AdminRouterAuth;
}

/** What a reload found: the upstreams as they resolve now, and the agents the directory holds. */
export interface AdminRouterTable {
  upstreams: Record<string, string | undefined>;
  agents: { id: string; url: string | undefined }[];
}

/** What dcos-adminrouter-reload.service asks of the node's Admin Router unit. */
export interface ReloadableAdminRouter {
  reload(): AdminRouterTable;
}

const UPSTREAMS = { master: ['mesos', 'marathon', 'diagnostics', 'history', 'mesos_dns', 'metrics'], agent: ['diagnostics', 'metrics'] } as const;

export class AdminRouter implements ReloadableAdminRouter {
  readonly agents: AgentDirectory;

  constructor(private readonly options: AdminRouterOptions) {
    this.agents = new AgentDirectory(() => options.upstreams.agents());
  }

  /** One line for the journal: which flavour, and whether auth is on. */
  get description(): string {
    const { flavour, auth } = this.options;
    return `Admin Router (${flavour}${flavour === 'master' ? `, auth ${auth ? 'enabled' : 'disabled'}` : ''})`;
  }

  async server(serverOptions: HttpServerOptions = {}): Promise<FastifyInstance> {
    const { flavour, upstreams, auth, timeouts, maxBodyBytes } = this.options;
    // Bodies stream through the proxied locations unparsed, counted against maxBodyBytes (the server's body limit
    // is for what Admin Router parses itself: login); a large upload may take minutes, while headers still have to
    // arrive within the usual 10 s.
    const app = createHttpServer({ ...serverOptions, requestTimeoutMs: 10 * 60_000 });
    const proxy = { ...(timeouts ? { timeouts } : {}), ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }) };
    if (flavour === 'master') await app.register(masterLocations, { upstreams, agents: this.agents, ...(auth ? { auth } : {}), ...proxy });
    else await app.register(agentLocations, { upstreams, ...proxy });
    return app;
  }

  reload(): AdminRouterTable {
    const { flavour, upstreams } = this.options;
    const table: AdminRouterTable['upstreams'] = {};
    for (const name of UPSTREAMS[flavour]) table[name] = name === 'mesos' ? upstreams.leadingMaster() : upstreams.endpoint(name);
    const agents = flavour === 'master' ? this.agents.reread().map(({ id, url }) => ({ id, url })) : [];
    return { upstreams: table, agents };
  }
}
