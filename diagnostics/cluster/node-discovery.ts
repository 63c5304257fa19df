/**
 * Which nodes the master polls: the configured masters, and the agents the leading master's `/master/slaves`
 * lists (public agents by attribute `public_ip:true`), as dcos-diagnostics finds them. When `/master/slaves`
 * cannot be read the last agent list is kept, so a master hiccup does not make every agent vanish from health.
 */
import { fetchJson } from '../../collectors/http-source.ts';
import { agentRoleOf, type ClusterNodeRef } from './cluster-node.ts';

export const DISCOVERY_TIMEOUT_MS = 10_000;

export interface NodeDiscoveryOptions {
  /** The Mesos master's base URL, e.g. `http://127.0.1.1:5050`. */
  mesosUrl: () => string | undefined;
  /** The configured master addresses; the one `mesosUrl` points at is the leader. */
  masters: readonly string[];
  timeoutMs?: number;
}

interface SlavesBody {
  slaves?: { id?: unknown; hostname?: unknown; attributes?: Record<string, unknown> }[];
}

export class NodeDiscovery {
  private agents: ClusterNodeRef[] = [];
  /** The last discovery failure, '' after a success. */
  lastError = '';

  constructor(private readonly options: NodeDiscoveryOptions) {}

  async nodes(): Promise<ClusterNodeRef[]> {
    const url = this.options.mesosUrl();
    const leaderHost = url === undefined ? undefined : new URL(url).hostname;
    const masters = this.options.masters.map((ip): ClusterNodeRef => ({ ip, role: 'master', mesosId: '', leader: ip === leaderHost }));
    if (url === undefined) {
      this.lastError = 'the Mesos master endpoint is not known yet';
      return [...masters, ...this.agents];
    }
    try {
      const body = (await fetchJson(`${url}/master/slaves`, { timeoutMs: this.options.timeoutMs ?? DISCOVERY_TIMEOUT_MS })) as SlavesBody;
      this.agents = (Array.isArray(body.slaves) ? body.slaves : []).flatMap((s): ClusterNodeRef[] => {
        if (typeof s.hostname !== 'string' || s.hostname === '') return [];
        return [
          {
            ip: s.hostname,
            role: agentRoleOf(s.attributes),
            mesosId: typeof s.id === 'string' ? s.id : '',
            leader: false,
          },
        ];
      });
      this.lastError = '';
    } catch (err) {
      this.lastError = (err as Error).message;
    }
    const masterIps = new Set(this.options.masters);
    return [...masters, ...this.agents.filter((a) => !masterIps.has(a.ip))];
  }
}
