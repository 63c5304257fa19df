/** minidc's own series: unit health from each node's unit registry, and the scrape's view of its collectors. */
import { derivedEntry, type CatalogueEntry } from './catalogue-entry.ts';

export const UNIT_HEALTH = derivedEntry(['units'], 'gauge', 'minidc.unit.health', "A unit's health as dcos-diagnostics reports it: 0 healthy, 1 unhealthy.", {
  labelNames: ['node', 'unit'],
  derivation: "the node's dcos-diagnostics /system/health/v1 (unit rules and liveness probes)",
});

export const COLLECTOR_UP = derivedEntry(['scrape'], 'gauge', 'minidc.collector.up', 'Whether the collector succeeded on this scrape (1) or failed or timed out (0).', {
  labelNames: ['collector'],
  derivation: 'the collector registry',
});

export const COLLECTOR_DURATION = derivedEntry(['scrape'], 'gauge', 'minidc.collector.duration_seconds', 'How long the collector took on this scrape (up to its timeout).', {
  unit: 's',
  labelNames: ['collector'],
  derivation: 'the collector registry',
});

export const SCRAPE_DURATION = derivedEntry(['scrape'], 'gauge', 'minidc.scrape.duration_seconds', 'How long collecting this scrape took, all collectors included.', {
  unit: 's',
  derivation: 'the metrics server',
});

export const MARATHON_APP_TASK_FAILURES = derivedEntry(
  ['marathon_task_failures'],
  'counter',
  'minidc.marathon.app_task_failures',
  'Tasks of one Marathon app that ended TASK_FAILED or TASK_ERROR since the collector started.',
  { labelNames: ['app'], derivation: "Marathon's GET /v2/events status_update_event stream, counted per appId" },
);

export const MESOS_AGENT_LISTED = derivedEntry(['mesos_agents'], 'gauge', 'minidc.mesos.agent_listed', 'An agent node the master lists: 1 active, 0 inactive (absent when not listed).', {
  labelNames: ['node'],
  derivation: "the master's GET /master/slaves, by the address in each agent's pid",
});

export const DIAGNOSTICS_BUNDLES = derivedEntry(['bundles'], 'gauge', 'minidc.diagnostics.bundles', 'Diagnostics bundles on the node, by type (Local, Cluster) and status.', {
  labelNames: ['type', 'status'],
  derivation: "the node's dcos-diagnostics GET /system/health/v1/node/diagnostics",
});

export const MINIDC_ENTRIES: readonly CatalogueEntry[] = [
  UNIT_HEALTH,
  COLLECTOR_UP,
  COLLECTOR_DURATION,
  SCRAPE_DURATION,
  MARATHON_APP_TASK_FAILURES,
  MESOS_AGENT_LISTED,
  DIAGNOSTICS_BUNDLES,
];
