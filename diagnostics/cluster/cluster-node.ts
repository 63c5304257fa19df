/** A node as the master's aggregation knows it, and what one pull of its `/system/health/v1` brought back. */
import type { NodeHealthResponse } from '../health/node-health.ts';

export type NodeRole = 'master' | 'agent' | 'agent_public';

/**
 * An agent's role by DC/OS's rule: public agents carry the attribute `public_ip:true`, which Mesos renders as the
 * text `"true"` (a scalar attribute would arrive as a number, so the boolean is accepted too).
 */
export function agentRoleOf(attributes: Readonly<Record<string, unknown>> | undefined): 'agent' | 'agent_public' {
  const publicIp = attributes?.public_ip;
  return publicIp === 'true' || publicIp === true ? 'agent_public' : 'agent';
}

export interface ClusterNodeRef {
  ip: string;
  role: NodeRole;
  /** From `/master/slaves` for agents; masters learn theirs from their own health answer. */
  mesosId: string;
  leader: boolean;
}

export interface NodePull {
  node: ClusterNodeRef;
  /** undefined: the node could not be polled (health 3, no units). */
  response: NodeHealthResponse | undefined;
  /** Why it could not be polled. */
  error?: string;
  /** Wall-clock ms when this node's answer (or failure) came in. */
  at: number;
}
