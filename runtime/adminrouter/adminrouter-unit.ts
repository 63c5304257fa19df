/**
 * `dcos-adminrouter.service` / `dcos-adminrouter-agent.service` as a unit behaviour: each start builds the node's
 * Admin Router server (master or agent locations) and binds it; each stop closes it. The port chosen at the first
 * start is kept, so a restart binds the same one and endpoints.json stays true. The agent directory outlives
 * restarts, and `reload` re-reads it (dcos-adminrouter-reload.service).
 */
import type { FastifyInstance } from 'fastify';
import { createHttpServer, journalInternalErrors } from '../http/http-server.ts';
import { listenHttp } from '../http/listen-http.ts';
import type { UnitBehavior, UnitContext } from '../units/unit.ts';
import type { AdminRouterAuth } from './adminrouter-auth.ts';
import type { AdminRouterUpstreams } from './adminrouter-upstreams.ts';
import { AgentDirectory } from './agent-directory.ts';
import { agentLocations } from './agent-locations.ts';
import { masterLocations } from './master-locations.ts';
import type { ProxyTimeouts } from './proxy-location.ts';

export interface AdminRouterUnitOptions {
  flavour: 'master' | 'agent';
  host: string;
  /** 0: the OS picks (once; restarts keep it). */
  port: number;
  upstreams: AdminRouterUpstreams;
  /** Master only; absent: every location open. */
  auth?: AdminRouterAuth;
  timeouts?: ProxyTimeouts;
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

export class AdminRouterUnit implements UnitBehavior, ReloadableAdminRouter {
  private app: FastifyInstance | undefined;
  private port: number;
  readonly agents: AgentDirectory;
  /** The server's base URL while running. */
  url: string | undefined;

  constructor(private readonly options: AdminRouterUnitOptions) {
    this.port = options.port;
    this.agents = new AgentDirectory(() => options.upstreams.agents());
  }

  async start(ctx: UnitContext): Promise<void> {
    const { flavour, upstreams, auth, timeouts } = this.options;
    // Bodies stream through the proxied locations unparsed (the body limit is for what Admin Router parses itself:
    // login); a large upload may take minutes, while headers still have to arrive within the usual 10 s.
    const app = createHttpServer({ onInternalError: journalInternalErrors(ctx.log), requestTimeoutMs: 10 * 60_000 });
    if (flavour === 'master') await app.register(masterLocations, { upstreams, agents: this.agents, ...(auth ? { auth } : {}), ...(timeouts ? { timeouts } : {}) });
    else await app.register(agentLocations, { upstreams, ...(timeouts ? { timeouts } : {}) });
    try {
      const bound = await listenHttp(app, this.options.host, this.port);
      this.port = bound.port;
      this.url = bound.url;
    } catch (err) {
      await app.close();
      throw err;
    }
    this.app = app;
    ctx.log(`Admin Router (${flavour}${flavour === 'master' ? `, auth ${auth ? 'enabled' : 'disabled'}` : ''}) on ${this.url}`);
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  /** Re-reads the agent list and resolves every upstream afresh, as DC/OS's hourly reload re-reads its config. */
  reload(): AdminRouterTable {
    const { flavour, upstreams } = this.options;
    const table: AdminRouterTable['upstreams'] = {};
    for (const name of UPSTREAMS[flavour]) table[name] = name === 'mesos' ? upstreams.leadingMaster() : upstreams.endpoint(name);
    const agents = flavour === 'master' ? this.agents.reread().map(({ id, url }) => ({ id, url })) : [];
    return { upstreams: table, agents };
  }
}
