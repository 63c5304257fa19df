/** Allocated against total over agents, per scalar resource, as the overview and the chart show them. */
import type { SummaryAgent } from './cluster-types.ts';

export const RESOURCE_NAMES = ['cpus', 'mem', 'disk'] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export interface Allocation {
  name: ResourceName;
  used: number;
  total: number;
}

export function allocation(agents: readonly SummaryAgent[]): Allocation[] {
  return RESOURCE_NAMES.map((name) => {
    let used = 0;
    let total = 0;
    for (const agent of agents) {
      used += agent.used_resources?.[name] ?? 0;
      total += agent.resources?.[name] ?? 0;
    }
    return { name, used, total };
  });
}
