/**
 * The agents Admin Router routes `/system/v1/agent/{id}/…` to, by Mesos agent id: what DC/OS's Admin Router keeps
 * in its cache of the master's state. It is re-read when an id is not in it (an agent that just registered), at most
 * once a second so unknown ids cannot make every request re-read it, and by dcos-adminrouter-reload.service.
 */
import type { AdminRouterUpstreams, AgentAddress } from './adminrouter-upstreams.ts';

const MIN_REREAD_MS = 1000;

export class AgentDirectory {
  private byId = new Map<string, AgentAddress>();
  private readAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly source: AdminRouterUpstreams['agents'],
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The agent with this id, re-reading the list once when it is unknown; undefined: no such agent. */
  find(id: string): AgentAddress | undefined {
    const known = this.byId.get(id);
    if (known !== undefined || this.nowMs() - this.readAtMs < MIN_REREAD_MS) return known;
    this.reread();
    return this.byId.get(id);
  }

  /** Reads the agent list afresh; returns it. */
  reread(): readonly AgentAddress[] {
    const agents = this.source();
    this.byId = new Map(agents.filter((a) => a.id !== '').map((a) => [a.id, a]));
    this.readAtMs = this.nowMs();
    return agents;
  }
}
