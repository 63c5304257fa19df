/** Agents: each node's resources, executors, tasks and errors, and the usage of each task's container. */
import type { DashboardSpec } from './panel-spec.ts';
import { query, timeseries } from './panel-spec.ts';
import { rate, series, sumBy } from './promql.ts';
import { FRAMEWORK, FRAMEWORK_ID, NODE } from './template-variables.ts';

const agent = (name: string) => series(name).onNode();
/** A task's container series, of the chosen nodes and frameworks (containers name their framework by id). */
const container = (name: string) => series(name).onNode().where('framework', '=~', '$framework_id');

const RESOURCES = [
  ['CPUs', 'mesos_slave_cpus', 'mesos_slave_cpus_used', 'short'],
  ['Memory', 'mesos_slave_mem_bytes', 'mesos_slave_mem_used_bytes', 'bytes'],
  ['Disk', 'mesos_slave_disk_bytes', 'mesos_slave_disk_used_bytes', 'bytes'],
] as const;

export const AGENTS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-agents',
  title: 'minidc / Agents',
  description: 'Per-node resources, executors, tasks and errors, and per-task container usage.',
  file: 'agents.json',
  variables: [NODE, FRAMEWORK, FRAMEWORK_ID],
  rows: [
    {
      title: 'Resources per node',
      panels: RESOURCES.map(([title, total, used, unit]) =>
        timeseries(`${title} used / total`, `${title} each agent offers and what its tasks hold.`, unit, [
          query(agent(used), '{{instance}} used'),
          query(agent(total), '{{instance}} total'),
        ]),
      ),
    },
    {
      title: 'Tasks and executors',
      panels: [
        timeseries('Running tasks', 'Tasks running on each agent.', 'short', [query(agent('mesos_slave_tasks_running'), '{{instance}}')]),
        timeseries('Executors', 'Executors registering, running and terminating on each agent.', 'short', [
          query(agent('mesos_slave_executors_registering'), '{{instance}} registering'),
          query(agent('mesos_slave_executors_running'), '{{instance}} running'),
          query(agent('mesos_slave_executors_terminating'), '{{instance}} terminating'),
        ]),
        timeseries('Tasks ending', 'Tasks that finished, failed, were killed or lost, per second, per agent.', 'ops', [
          ...(['finished', 'failed', 'killed', 'lost'] as const).map((s) => query(rate(agent(`mesos_slave_tasks_${s}_total`)), `{{instance}} ${s}`)),
        ]),
        timeseries('Errors', 'Container launch errors, recovery errors and invalid status updates, per second, per agent.', 'ops', [
          query(rate(agent('mesos_slave_container_launch_errors_total')), '{{instance}} launch errors'),
          query(rate(agent('mesos_slave_recovery_errors_total')), '{{instance}} recovery errors'),
          query(rate(agent('mesos_slave_invalid_status_updates_total')), '{{instance}} invalid status updates'),
        ]),
        timeseries('Registered', 'Whether each agent is registered with a master.', 'short', [query(agent('mesos_stats_registered'), '{{instance}}')]),
      ],
    },
    {
      title: 'Task containers',
      panels: [
        timeseries('CPU per task', "CPU seconds per second (user + system) of each task's processes.", 'short', [
          query(sumBy(['instance', 'task'], `${rate(container('mesos_container_cpu_user_seconds_total'))} + ${rate(container('mesos_container_cpu_system_seconds_total'))}`), '{{task}}'),
        ]),
        timeseries('Memory per task', "Resident memory of each task's processes, and the limit it was given.", 'bytes', [
          query(container('mesos_container_mem_rss_bytes'), '{{task}} rss'),
          query(container('mesos_container_mem_limit_bytes'), '{{task}} limit'),
        ]),
        timeseries('Processes per task', "Processes in each task's container.", 'short', [query(container('mesos_container_processes'), '{{task}}')]),
      ],
    },
  ],
};
