/** Every minidc dashboard, in the order the README lists them. */
import { AGENTS_DASHBOARD } from './agents-dashboard.ts';
import { ALLOCATOR_DASHBOARD } from './allocator-dashboard.ts';
import { CLUSTER_DASHBOARD } from './cluster-dashboard.ts';
import { DIAGNOSTICS_DASHBOARD } from './diagnostics-dashboard.ts';
import { DNS_DASHBOARD } from './dns-dashboard.ts';
import { FRAMEWORKS_DASHBOARD } from './frameworks-dashboard.ts';
import { MASTERS_DASHBOARD } from './masters-dashboard.ts';
import type { DashboardSpec } from './panel-spec.ts';
import { SERVICES_DASHBOARD } from './services-dashboard.ts';
import { TIMERS_DASHBOARD } from './timers-dashboard.ts';
import { VIPS_DASHBOARD } from './vips-dashboard.ts';

export const DASHBOARDS: readonly DashboardSpec[] = [
  CLUSTER_DASHBOARD,
  MASTERS_DASHBOARD,
  AGENTS_DASHBOARD,
  ALLOCATOR_DASHBOARD,
  FRAMEWORKS_DASHBOARD,
  DNS_DASHBOARD,
  VIPS_DASHBOARD,
  DIAGNOSTICS_DASHBOARD,
  TIMERS_DASHBOARD,
  SERVICES_DASHBOARD,
];

/** The generated JSON of a dashboard, as committed under dashboards/grafana/json/. */
export const dashboardFileText = (json: unknown): string => `${JSON.stringify(json, null, 2)}\n`;
