/**
 * One run of `dcos-adminrouter-reload.service`: DC/OS reloads Admin Router's configuration every hour; here that is
 * re-reading what Admin Router caches (the agent directory) and re-resolving its upstreams, and journalling the
 * result, so the journal shows where each location led at that hour.
 */
import type { TimerJob, TimerJobContext } from '../timers/timer-job.ts';
import { PRIORITY } from '../units/unit-journal.ts';
import type { AdminRouterTable } from './adminrouter.ts';

export class AdminRouterReload implements TimerJob {
  /** `reload` is the node's Admin Router's (undefined when the node runs none). */
  constructor(private readonly reload: () => AdminRouterTable | undefined) {}

  async run(ctx: TimerJobContext): Promise<void> {
    const table = this.reload();
    if (table === undefined) throw new Error('no Admin Router on this node to reload');
    const bound = Object.entries(table.upstreams).map(([name, url]) => `${name}=${url ?? 'unbound'}`);
    const unbound = Object.values(table.upstreams).filter((url) => url === undefined).length;
    ctx.log(`upstreams: ${bound.join(' ')}`, unbound > 0 ? PRIORITY.warning : PRIORITY.info);
    if (table.agents.length > 0 || Object.hasOwn(table.upstreams, 'mesos'))
      ctx.log(`agents (${table.agents.length}): ${table.agents.map((a) => `${a.id}=${a.url ?? 'unbound'}`).join(' ') || 'none'}`);
  }
}
