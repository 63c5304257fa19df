/**
 * Places descriptors on nodes and orders the placements topologically by `after` (Kahn's algorithm). Among the
 * placements ready at a step the earliest in node order, then table order, goes first, so the order is stable and
 * reads like the table.
 */
import type { ClusterNode, NodeServiceDescriptor } from './node-service.ts';

export interface Placement {
  readonly node: ClusterNode;
  readonly nodeIndex: number;
  readonly service: NodeServiceDescriptor;
}

export class ServiceOrderError extends Error {}

export function placeServices(nodes: readonly ClusterNode[], services: readonly NodeServiceDescriptor[]): Placement[] {
  const declared = new Set<string>();
  for (const s of services) {
    if (declared.has(s.unit)) throw new ServiceOrderError(`two descriptors declare ${s.unit}`);
    declared.add(s.unit);
  }
  for (const s of services)
    for (const a of s.after)
      if (!declared.has(a)) throw new ServiceOrderError(`${s.unit} starts after ${a}, which no descriptor declares`);

  const placements: Placement[] = [];
  nodes.forEach((node, nodeIndex) => {
    for (const service of services) if (service.roles.includes(node.role)) placements.push({ node, nodeIndex, service });
  });

  // How many placements of each unit are still unstarted; a placement is ready when all its `after` counts are 0.
  const pending = new Map<string, number>();
  for (const p of placements) pending.set(p.service.unit, (pending.get(p.service.unit) ?? 0) + 1);
  const ready = (p: Placement) => p.service.after.every((a) => (pending.get(a) ?? 0) === 0);

  const order: Placement[] = [];
  const left = [...placements];
  while (left.length > 0) {
    const i = left.findIndex(ready);
    if (i < 0)
      throw new ServiceOrderError(`start order has a cycle among ${[...new Set(left.map((p) => p.service.unit))].join(', ')}`);
    const [next] = left.splice(i, 1);
    order.push(next!);
    pending.set(next!.service.unit, pending.get(next!.service.unit)! - 1);
  }
  return order;
}
