/** A node as the master's aggregation knows it, and what one pull of its `/system/health/v1` brought back. */
import type { NodeHealthResponse } from '../health/node-health.ts';

export type NodeRole = 'master' | 'agent' | 'agent_public';

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
