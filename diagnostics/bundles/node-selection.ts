/**
 * Which nodes a cluster bundle covers: v2's `{"masters":bool,"agents":bool}` (agents include public agents) and the
 * legacy selectors minidc also takes on v2 as `"nodes"` — `all`, `masters`, `agents`, or a node's IP, Mesos ID or
 * hostname (empty strings ignored, as dcos-diagnostics does). A selector matching nothing is an error naming it.
 */
import type { ClusterNodeRef } from '../cluster/cluster-node.ts';
import { BundleError } from './bundle-store.ts';

export interface NodeSelection {
  masters?: boolean;
  agents?: boolean;
  nodes?: readonly string[];
}

/** A node as a selector sees it (minidc's hostnames are the node's address, as `/master/slaves` reports them). */
const matches = (node: ClusterNodeRef, selector: string): boolean =>
  selector === 'all' ||
  (selector === 'masters' && node.role === 'master') ||
  (selector === 'agents' && node.role !== 'master') ||
  node.ip === selector ||
  (node.mesosId !== '' && node.mesosId === selector);

export function selectNodes(nodes: readonly ClusterNodeRef[], selection: NodeSelection): ClusterNodeRef[] {
  const byRole = nodes.filter((n) => (n.role === 'master' ? selection.masters !== false : selection.agents !== false));
  const selectors = (selection.nodes ?? []).filter((s) => s !== '');
  if (selection.nodes === undefined) return byRole;
  const missing = selectors.filter((s) => !byRole.some((n) => matches(n, s)));
  const chosen = byRole.filter((n) => selectors.some((s) => matches(n, s)));
  // Go's %v of a []string: `[a b]`.
  if (missing.length > 0 || chosen.length === 0) throw new BundleError(503, `requested nodes: [${(missing.length > 0 ? missing : selectors).join(' ')}] not found`);
  return chosen;
}
