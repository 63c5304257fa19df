/**
 * The Mesos agent's `/metrics/snapshot` keys minidc's agents publish (Datadog's `mesos.slave.*` and
 * `mesos.stats.*`), and per-task container usage from the agent's `/containers`.
 */
import { derivedEntry, resourceEntries, snapshotEntry, UPTIME_HELP, type CatalogueEntry } from './catalogue-entry.ts';

const A = ['mesos_agent'] as const;
const gauge = (key: string, help: string) => snapshotEntry(A, 'gauge', key, help);
const counter = (key: string, help: string) => snapshotEntry(A, 'counter', key, help);

export const MESOS_AGENT_ENTRIES: readonly CatalogueEntry[] = [
  gauge('slave/uptime_secs', UPTIME_HELP),
  gauge('slave/registered', 'Whether this agent is registered with a master (1) or not (0).'),
  gauge('slave/tasks_staging', 'Tasks on this agent being launched.'),
  gauge('slave/tasks_starting', 'Tasks on this agent reported TASK_STARTING.'),
  gauge('slave/tasks_running', 'Tasks on this agent reported TASK_RUNNING.'),
  gauge('slave/tasks_killing', 'Tasks on this agent being killed.'),
  counter('slave/tasks_finished', 'Tasks on this agent that ended TASK_FINISHED.'),
  counter('slave/tasks_failed', 'Tasks on this agent that ended TASK_FAILED.'),
  counter('slave/tasks_killed', 'Tasks on this agent that ended TASK_KILLED.'),
  counter('slave/tasks_lost', 'Tasks on this agent that ended TASK_LOST.'),
  counter('slave/tasks_gone', 'Tasks on this agent that ended TASK_GONE.'),
  counter('slave/valid_status_updates', 'Status updates from executors the agent forwarded.'),
  counter('slave/invalid_status_updates', 'Status updates from executors the agent dropped as invalid.'),
  counter('slave/valid_framework_messages', 'Framework messages the agent delivered to executors.'),
  counter('slave/invalid_framework_messages', 'Framework messages the agent dropped (no such executor).'),
  counter('slave/container_launch_errors', 'Containers the agent failed to launch.'),
  gauge('slave/executors_registering', 'Executors launched and not registered yet.'),
  gauge('slave/executors_running', 'Executors running.'),
  gauge('slave/executors_terminating', 'Executors being terminated.'),
  counter('slave/executors_terminated', 'Executors that terminated.'),
  counter('slave/recovery_errors', 'Errors met while recovering checkpointed tasks after a restart.'),
  gauge('slave/frameworks_active', 'Frameworks with tasks or executors on this agent.'),
  ...resourceEntries(A, 'slave', 'this agent'),
];

/** `/containers` statistics, one series per task container on the agent (node-local, so task ids are bounded). */
const C = ['containers'] as const;
const LABELS = ['task', 'framework'] as const;
export const CONTAINER_ENTRIES: readonly CatalogueEntry[] = [
  derivedEntry(C, 'counter', 'mesos.container.cpus_user_time_secs', "User CPU seconds of a task's processes.", {
    prometheusName: 'mesos_container_cpu_user_seconds_total',
    unit: 's',
    labelNames: LABELS,
    derivation: '/containers: statistics.cpus_user_time_secs',
  }),
  derivedEntry(C, 'counter', 'mesos.container.cpus_system_time_secs', "System CPU seconds of a task's processes.", {
    prometheusName: 'mesos_container_cpu_system_seconds_total',
    unit: 's',
    labelNames: LABELS,
    derivation: '/containers: statistics.cpus_system_time_secs',
  }),
  derivedEntry(C, 'gauge', 'mesos.container.mem_rss_bytes', "Resident memory of a task's processes in bytes.", {
    unit: 'By',
    labelNames: LABELS,
    derivation: '/containers: statistics.mem_rss_bytes',
  }),
  derivedEntry(C, 'gauge', 'mesos.container.cpus_limit', "CPUs a task's container was given.", {
    labelNames: LABELS,
    derivation: '/containers: statistics.cpus_limit',
  }),
  derivedEntry(C, 'gauge', 'mesos.container.mem_limit_bytes', "Memory a task's container was given, in bytes.", {
    unit: 'By',
    labelNames: LABELS,
    derivation: '/containers: statistics.mem_limit_bytes',
  }),
  derivedEntry(C, 'gauge', 'mesos.container.processes', "Processes in a task's container.", {
    labelNames: LABELS,
    derivation: '/containers: statistics.processes',
  }),
];
