/** Frameworks: per-framework subscription, calls, events, offers and tasks (Mesos's per-framework metrics). */
import type { DashboardSpec } from './panel-spec.ts';
import { query, stat, timeseries } from './panel-spec.ts';
import { rate, series, sumBy } from './promql.ts';
import { FRAMEWORK } from './template-variables.ts';

const framework = (name: string) => series(name).where('framework', '=~', '$framework');

export const FRAMEWORKS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-frameworks',
  title: 'minidc / Frameworks',
  description: 'Per framework: subscription, scheduler calls, events, offers by outcome and tasks by state.',
  file: 'frameworks.json',
  variables: [FRAMEWORK],
  rows: [
    {
      title: 'Frameworks',
      panels: [
        stat('Subscribed', 'Whether each framework is subscribed (1) or not (0).', 'short', [query(framework('mesos_framework_subscribed'), '{{framework}}')], {
          valueText: { '0': { text: 'not subscribed', color: 'red' }, '1': { text: 'subscribed', color: 'green' } },
        }),
        timeseries('Active tasks by state', "Each framework's tasks in an active state.", 'short', [
          query(sumBy(['framework', 'state'], framework('mesos_framework_tasks_active')), '{{framework}} {{state}}'),
        ]),
        timeseries('Terminal tasks by state', "Each framework's tasks reaching a terminal state, per second.", 'ops', [
          query(sumBy(['framework', 'state'], rate(framework('mesos_framework_tasks_terminal_total'))), '{{framework}} {{state}}'),
        ]),
      ],
    },
    {
      title: 'Calls, events and offers',
      panels: [
        timeseries('Scheduler calls by type', 'Calls each framework makes, per second, by call type.', 'ops', [
          query(sumBy(['framework', 'call'], rate(framework('mesos_framework_calls_by_type_total'))), '{{framework}} {{call}}'),
        ]),
        timeseries('Events by type', 'Events the master sends each framework, per second, by event type.', 'ops', [
          query(sumBy(['framework', 'event'], rate(framework('mesos_framework_events_by_type_total'))), '{{framework}} {{event}}'),
        ]),
        timeseries('Offers by outcome', 'Offers sent, accepted, declined and rescinded, per second.', 'ops', [
          query(sumBy(['framework', 'outcome'], rate(framework('mesos_framework_offers_total'))), '{{framework}} {{outcome}}'),
        ]),
        timeseries('Suppressed roles', 'Roles each framework has suppressed offers for (1).', 'short', [
          query(framework('mesos_framework_role_suppressed'), '{{framework}} {{role}}'),
        ]),
      ],
    },
  ],
};
