/**
 * Diagnostics: the unit × node health matrix dcos-diagnostics reports, and the diagnostic bundle jobs by type and
 * status (the bundles collector reads the master's bundle API).
 */
import type { DashboardSpec } from './panel-spec.ts';
import { query, stat, timeseries } from './panel-spec.ts';
import { HEALTH_TEXT, unitHealth } from './unit-health.ts';
import { series, sum, sumBy } from './promql.ts';
import { NODE } from './template-variables.ts';

export const DIAGNOSTICS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-diagnostics',
  title: 'minidc / Diagnostics',
  description: 'Unit × node health as dcos-diagnostics reports it, unhealthy units per node, the health collectors, and bundle jobs.',
  file: 'diagnostics.json',
  variables: [NODE],
  rows: [
    {
      title: 'Unit health',
      panels: [
        {
          title: 'Unit × node health',
          description: "Each unit's health on each node (0 healthy, 1 unhealthy), from every node's /system/health/v1.",
          kind: 'matrix',
          queries: [query(unitHealth(), '{{unit}}')],
          matrix: { rows: 'unit', columns: 'node' },
          valueText: HEALTH_TEXT,
          width: 24,
        },
        stat('Unhealthy units', 'Units unhealthy across the chosen nodes.', 'short', [query(sum(unitHealth()), 'unhealthy')]),
        timeseries('Unhealthy units per node', 'Units unhealthy on each node over time.', 'short', [query(sumBy(['node'], unitHealth()), '{{node}}')]),
        timeseries('Health collector duration', "How long each node's units collector took to read its dcos-diagnostics.", 's', [
          query(series('minidc_collector_duration_seconds').onNode().where('collector', '=', 'units'), '{{instance}}'),
        ]),
      ],
    },
    {
      title: 'Bundle jobs',
      panels: [
        stat('Failed bundles', 'Diagnostic bundles whose job failed, all types (the DiagnosticsBundleFailed alert).', 'short', [
          query(sum(series('minidc_diagnostics_bundles').onNode().where('status', '=', 'Failed')), 'failed'),
        ]),
        timeseries('Bundles by status', 'Diagnostic bundles the master knows, by type (cluster or node) and job status.', 'short', [
          query(sumBy(['type', 'status'], series('minidc_diagnostics_bundles').onNode()), '{{type}} {{status}}'),
        ]),
      ],
    },
  ],
};
