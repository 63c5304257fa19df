/**
 * The agent's `/metrics/snapshot` keys (`slave/*` as Mesos's agent names them, plus libprocess `system/*`).
 * Only what this agent really does is published: no revocable resources and no preemption, so none of those keys
 * appear rather than sitting at a made-up 0.
 */
import { fromMilli } from '../../mesos/resources.ts';
import type { Agent } from '../../agent/agent.ts';
import { AGENT_COUNTER_METRICS } from '../../agent/agent-counters.ts';
import { SYSTEM_METRICS, systemMetrics } from '../../http/system-metrics.ts';
import { MetricKeys } from '../../metrics/metric-keys.ts';

/** Scalars Mesos publishes slave/<r>_total, _used and _percent for. */
const RESOURCE_NAMES = ['cpus', 'gpus', 'mem', 'disk'] as const;

export const AGENT_GAUGE_METRICS = new MetricKeys('agent gauges', {
  fixed: [
    'slave/uptime_secs',
    'slave/frameworks_active',
    ...RESOURCE_NAMES.flatMap((r) => [`slave/${r}_total`, `slave/${r}_used`, `slave/${r}_percent`] as const),
  ],
});

/** Every declaration whose keys the agent's snapshot holds. */
export const AGENT_SNAPSHOT_SOURCES = [SYSTEM_METRICS, AGENT_COUNTER_METRICS, AGENT_GAUGE_METRICS] as const;

export function collectAgentMetrics(agent: Agent, out: Record<string, number>, nowMs: number): void {
  agent.counters.snapshot(out);
  const w = AGENT_GAUGE_METRICS.writer(out);
  if (agent.startTime > 0) w.set('slave/uptime_secs', Math.max(0, nowMs / 1000 - agent.startTime));

  let frameworksActive = 0;
  const usedMilli = new Map<string, number>();
  for (const fw of agent.frameworks.values()) {
    if (fw.tasks.size > 0) frameworksActive++;
    // Live tasks only: a terminal task leaves `tasks` for `completed`, and its resources are free again.
    for (const t of fw.tasks.values())
      for (const name of RESOURCE_NAMES)
        usedMilli.set(name, (usedMilli.get(name) ?? 0) + t.launch.resources.scalarMilli(name));
  }
  w.set('slave/frameworks_active', frameworksActive);

  for (const name of RESOURCE_NAMES) {
    const total = fromMilli(agent.options.resources.scalarMilli(name));
    const used = fromMilli(usedMilli.get(name) ?? 0);
    w.set(`slave/${name}_total`, total);
    w.set(`slave/${name}_used`, used);
    // A fraction, as Mesos publishes it; 0 when the agent has none of the resource.
    w.set(`slave/${name}_percent`, total > 0 ? used / total : 0);
  }
  systemMetrics(out);
}
