/**
 * `minidc node list`'s nodes, as `dcos node list` shows them: the leading master (from the Mesos master's
 * `/master/state`: hostname, and the address in its pid `master@ip:port`) and every agent it lists, typed
 * `agent (public)` when it carries the attribute `public_ip:true` as DC/OS's public agents do.
 */
import { hostOfPid } from '../../collectors/mesos/agent-discovery.ts';
import { agentRoleOf } from '../../diagnostics/cluster/cluster-node.ts';
import { getJson } from './cluster-http.ts';
import { CliError } from './cluster-options.ts';
import { renderTable } from './text-table.ts';

export interface ListedNode {
  hostname: string;
  ip: string;
  id: string;
  type: 'master (leader)' | 'agent' | 'agent (public)';
  /** The object Mesos returned for it (the agent's `slaves[]` entry; the master's leader_info). */
  raw: Record<string, unknown>;
}

interface MasterState {
  id?: string;
  pid?: string;
  hostname?: string;
  leader_info?: Record<string, unknown>;
  slaves?: { id: string; hostname: string; pid?: string; attributes?: Record<string, unknown> }[];
}


export async function listNodes(mesosUrl: string, timeoutMs: number): Promise<ListedNode[]> {
  const url = `${mesosUrl}/master/state`;
  const state = (await getJson(url, timeoutMs)) as MasterState;
  if (typeof state !== 'object' || state === null || !Array.isArray(state.slaves)) throw new CliError(`GET ${url}: not a Mesos master state (no slaves)`);
  const leader = state.leader_info ?? { id: state.id, pid: state.pid, hostname: state.hostname };
  const master: ListedNode = {
    hostname: String(leader.hostname ?? state.hostname ?? ''),
    ip: hostOfPid(state.pid) ?? String(state.hostname ?? ''),
    id: String(leader.id ?? state.id ?? ''),
    type: 'master (leader)',
    raw: leader,
  };
  const agents = state.slaves.map(
    (a): ListedNode => ({
      hostname: a.hostname,
      ip: hostOfPid(a.pid) ?? a.hostname,
      id: a.id,
      type: agentRoleOf(a.attributes) === 'agent_public' ? 'agent (public)' : 'agent',
      raw: a,
    }),
  );
  agents.sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
  return [master, ...agents];
}

export function nodeTable(nodes: readonly ListedNode[]): string {
  return renderTable([['HOSTNAME', 'IP', 'ID', 'TYPE'], ...nodes.map((n) => [n.hostname, n.ip, n.id, n.type])]);
}

/** `--json`: the list of Mesos's own objects, each with the `type` shown in the table (as `dcos node list --json`). */
export function nodesJson(nodes: readonly ListedNode[]): unknown[] {
  return nodes.map((n) => ({ ...n.raw, ip: n.ip, type: n.type }));
}
