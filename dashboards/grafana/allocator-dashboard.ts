/** The allocator: how long allocation runs take and how often they run, DRF shares per role, and quota. */
import type { DashboardSpec } from './panel-spec.ts';
import { percentileQueries, query, timeseries } from './panel-spec.ts';
import { rate, series } from './promql.ts';
import { ROLE } from './template-variables.ts';

const role = (name: string) => series(name).where('role', '=~', '$role');
const NO_QUOTA = 'only for roles with a quota set; minidc has no quota API, so only a real Mesos master publishes it';

export const ALLOCATOR_DASHBOARD: DashboardSpec = {
  uid: 'minidc-allocator',
  title: 'minidc / Allocator',
  description: 'Allocation run time percentiles and rate, per-role dominant shares, quota guarantee vs allocated.',
  file: 'allocator.json',
  variables: [ROLE],
  rows: [
    {
      title: 'Allocation runs',
      panels: [
        timeseries('Allocation run time', 'Time an allocation cycle takes, percentiles over the recent window.', 's', [
          ...percentileQueries('mesos_allocator_allocation_run_seconds'),
        ]),
        timeseries('Allocation run latency', 'Delay between an allocation cycle being due and it running, percentiles.', 's', [
          ...percentileQueries('mesos_allocator_allocation_run_latency_seconds'),
        ]),
        timeseries('Allocation runs per second', 'Allocation cycles run per second.', 'ops', [query(rate(series('mesos_allocator_allocation_runs_total')), 'runs')]),
      ],
    },
    {
      title: 'Resources and roles',
      panels: [
        timeseries('Offered or allocated vs total', 'Resources the allocator knows of and the part offered or allocated (cpus; mem and disk in MB).', 'short', [
          query(series('mesos_allocator_resources'), '{{resource}} total'),
          query(series('mesos_allocator_resources_offered_or_allocated'), '{{resource}} offered or allocated'),
        ]),
        timeseries('Dominant share per role', "Each role's dominant share of the cluster (DRF), 0 to 1.", 'percentunit', [
          query(role('mesos_allocator_roles_shares_dominant'), '{{role}}'),
        ]),
        timeseries('Active offer filters per role', "Decline filters of each role's frameworks.", 'short', [query(role('mesos_allocator_offer_filters_roles_active'), '{{role}}')]),
      ],
    },
    {
      title: 'Quota',
      panels: [
        timeseries('Quota guarantee vs allocated', "Each role's quota guarantee and limit against what it consumes and holds.", 'short', [
          query(role('mesos_allocator_quota_consumed'), '{{role}} {{resource}} consumed'),
          query(role('mesos_allocator_quota_guarantee'), '{{role}} {{resource}} guarantee', { optional: NO_QUOTA }),
          query(role('mesos_allocator_quota_limit'), '{{role}} {{resource}} limit', { optional: NO_QUOTA }),
          query(role('mesos_allocator_quota_offered_or_allocated'), '{{role}} {{resource}} offered or allocated', { optional: NO_QUOTA }),
        ], { width: 12 }),
        timeseries('Role allocations', 'CPUs and memory allocated to each role (/master/roles).', 'short', [
          query(role('mesos_role_cpus'), '{{role}} cpus'),
          query(role('mesos_role_frameworks'), '{{role}} frameworks'),
        ], { width: 12 }),
      ],
    },
  ],
};
