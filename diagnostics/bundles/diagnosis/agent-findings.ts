/**
 * Agents as the Mesos master's `/master/slaves` lists them, checked against the health report: an agent the master
 * marks inactive (disconnected or deactivated), an agent the health report knows but the master does not
 * (unreachable agents drop out of `/master/slaves`), and an agent the master lists but the report has not pulled.
 */
import { agentTargetsOf } from '../../../collectors/mesos/agent-discovery.ts';
import { agentRoleOf } from '../../cluster/cluster-node.ts';
import type { ClusterReport } from '../../cluster/cluster-report.ts';
import type { DiagnosedNode, Finding } from './diagnosis.ts';

export interface MasterAgent {
  id: string;
  /** The agent's address as the master names it (`hostname`), what the health report keys its nodes by. */
  ip: string;
  role: 'agent' | 'agent_public';
  active: boolean;
  /** Base URL of its HTTP API (from its libprocess pid), undefined without a usable address. */
  url: string | undefined;
  registeredTime: number | undefined;
  reregisteredTime: number | undefined;
}

interface SlaveJson {
  id?: unknown;
  hostname?: unknown;
  active?: unknown;
  deactivated?: unknown;
  attributes?: Record<string, unknown>;
  registered_time?: unknown;
  reregistered_time?: unknown;
}

/** The agents of a `/master/slaves` body; throws when it has no `slaves` list. */
export function agentsOf(body: unknown, scheme: 'http:' | 'https:' = 'http:'): MasterAgent[] {
  const slaves = (body as { slaves?: unknown } | null)?.slaves;
  if (!Array.isArray(slaves)) throw new Error('the answer has no slaves list');
  return (slaves as SlaveJson[]).flatMap((s): MasterAgent[] => {
    if (typeof s !== 'object' || s === null || typeof s.hostname !== 'string' || s.hostname === '') return [];
    return [
      {
        id: typeof s.id === 'string' ? s.id : '',
        ip: s.hostname,
        role: agentRoleOf(s.attributes),
        // Mesos ≥ 1.9 says `deactivated` apart from `active`; either one means no offers, no launches.
        active: s.active !== false && s.deactivated !== true,
        url: agentTargetsOf({ slaves: [s] }, scheme)[0]?.url,
        registeredTime: typeof s.registered_time === 'number' ? s.registered_time : undefined,
        reregisteredTime: typeof s.reregistered_time === 'number' ? s.reregistered_time : undefined,
      },
    ];
  });
}

export function agentFindings(agents: readonly MasterAgent[], report: ClusterReport): Finding[] {
  const findings: Finding[] = [];
  const reportNodes = report.Nodes;
  const listed = new Set(agents.map((a) => a.ip));
  for (const agent of agents) {
    const node: DiagnosedNode = { ip: agent.ip, role: agent.role };
    if (!agent.active)
      findings.push({
        severity: 'critical',
        node,
        what: `agent ${agent.id} is not active`,
        why: 'the Mesos master lists it as inactive: disconnected (its agent unit down, or the network cut) or deactivated',
        evidence: agentEvidence(agent),
      });
    if (reportNodes !== null && reportNodes[agent.ip] === undefined)
      findings.push({
        severity: 'warning',
        node,
        what: `agent ${agent.id} is missing from the health report`,
        why: "/master/slaves lists it but the master's dcos-diagnostics has not pulled its health yet",
        evidence: agentEvidence(agent),
      });
  }
  for (const node of Object.values(reportNodes ?? {})) {
    if ((node.Role !== 'agent' && node.Role !== 'agent_public') || listed.has(node.IP)) continue;
    findings.push({
      severity: 'critical',
      node: { ip: node.IP, role: node.Role },
      what: `agent ${node.IP} is not registered with the Mesos master`,
      why: 'the health report lists it but /master/slaves does not: unreachable, removed, or never registered',
      evidence: node.MesosID === '' ? [] : [`last known Mesos agent id ${node.MesosID}`],
    });
  }
  return findings;
}

function agentEvidence(agent: MasterAgent): string[] {
  const at = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(seconds * 1000).toISOString());
  return [
    `id ${agent.id}, active ${agent.active}`,
    ...(agent.registeredTime === undefined ? [] : [`registered ${at(agent.registeredTime)}`]),
    ...(agent.reregisteredTime === undefined ? [] : [`re-registered ${at(agent.reregisteredTime)}`]),
  ];
}
