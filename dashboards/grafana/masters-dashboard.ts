/** Masters: leadership, uptime, event queues and the registrar (the store of agents and frameworks). */
import type { DashboardSpec } from './panel-spec.ts';
import { percentileQueries, query, stat, timeseries } from './panel-spec.ts';
import { rate, series } from './promql.ts';


/** Uptime is one metric for masters and agents: a master's is the one next to its `elected` series. */
const masterUptime = `${series('mesos_stats_uptime_seconds')} and on (instance, node) ${series('mesos_stats_elected')}`;

export const MASTERS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-masters',
  title: 'minidc / Masters',
  description: 'Elected master, uptime, event queues and registrar latency percentiles.',
  file: 'masters.json',
  variables: [],
  rows: [
    {
      title: 'Leadership',
      panels: [
        stat('Elected', 'Whether each master is the elected leader (1) or not (0).', 'short', [query(series('mesos_stats_elected'), '{{instance}}')], {
          valueText: { '0': { text: 'standby', color: 'blue' }, '1': { text: 'leader', color: 'green' } },
        }),
        timeseries('Uptime', 'Seconds since each master started.', 's', [query(masterUptime, '{{instance}}')]),
        stat('Registrar recovered', "Whether the registrar's storage has recovered (1).", 'short', [query(series('mesos_registrar_log_recovered'), '{{instance}}')]),
      ],
    },
    {
      title: 'Event queues',
      panels: [
        timeseries('Master event queue', "Messages, dispatches and HTTP requests waiting in the master's event queue.", 'short', [
          query(series('mesos_cluster_event_queue_messages'), 'messages'),
          query(series('mesos_cluster_event_queue_dispatches'), 'dispatches'),
          query(series('mesos_cluster_event_queue_http_requests'), 'HTTP requests'),
        ]),
        timeseries('Allocator event queue', "Dispatches waiting in the allocator's queue.", 'short', [query(series('mesos_allocator_event_queue_dispatches'), 'dispatches')]),
        timeseries('Dropped messages', 'Messages the master dropped, per second.', 'ops', [
          query(rate(series('mesos_cluster_dropped_messages_total')), 'dropped'),
        ]),
      ],
    },
    {
      title: 'Registrar',
      panels: [
        timeseries('Registry store latency', 'Time to store the registry after a change, percentiles over the recent window.', 's', [
          ...percentileQueries('mesos_registrar_state_store_seconds'),
        ]),
        timeseries('Queued registry operations', 'Registry operations waiting to be stored.', 'short', [
          query(series('mesos_registrar_queued_operations'), 'queued operations'),
        ]),
        stat('Registry size', 'Size of the stored registry.', 'bytes', [query(series('mesos_registrar_registry_size_bytes'), 'size')]),
        stat('Registry fetch at recovery', 'Time it took to read the registry at recovery.', 's', [query(series('mesos_registrar_state_fetch_seconds'), 'fetch')]),
      ],
    },
  ],
};
