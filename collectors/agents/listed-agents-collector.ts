/**
 * `minidc_mesos_agent_listed{node}` from the master's `GET /master/slaves`: 1 for each agent the master lists and
 * holds active, 0 for one it lists but inactive (disconnected); an agent it does not list (never registered,
 * removed, unreachable) has no series. `node` is the address in the agent's pid, the `node` label of the agent
 * node's unit health, so a rule can find a node whose agent unit runs but which the master does not list.
 */
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { MESOS_AGENT_LISTED } from '../catalogue/minidc-entries.ts';
import { jsonCollector, type JsonCollectorOptions } from '../json-collector.ts';
import { hostOfPid } from '../mesos/agent-discovery.ts';

export function listedAgentsCollector(options: JsonCollectorOptions): Collector {
  return jsonCollector('mesos_agents', '/master/slaves', options, (body, url) => {
    const slaves = (body as { slaves?: unknown } | null)?.slaves;
    if (!Array.isArray(slaves)) throw new Error(`GET ${url}: no slaves array`);
    const byNode = new Map<string, number>();
    for (const a of slaves as { pid?: unknown; hostname?: unknown; active?: unknown }[]) {
      const node = hostOfPid(a?.pid) ?? (typeof a?.hostname === 'string' ? a.hostname : undefined);
      // Two agent ids on one node (a restarted agent, briefly): the node is listed if either is active.
      if (node !== undefined) byNode.set(node, Math.max(byNode.get(node) ?? 0, a.active === true ? 1 : 0));
    }
    return [...byNode].map(([node, value]): Sample => ({ metric: MESOS_AGENT_LISTED, labels: { node }, value }));
  });
}
