/**
 * The Mesos master's `/metrics/snapshot` keys minidc's master publishes (and a real master has), with the dotted
 * names Datadog's integration uses, plus what integrations derive from the master's other endpoints. Types are
 * Mesos's: its Counters are counters here even where Datadog submits them as gauges.
 */
import { derivedEntry, resourceEntries, snapshotEntry, UPTIME_HELP, type CatalogueEntry } from './catalogue-entry.ts';

const M = ['mesos_master'] as const;
const gauge = (key: string, help: string, options?: Parameters<typeof snapshotEntry>[4]) => snapshotEntry(M, 'gauge', key, help, options);
const counter = (key: string, help: string, options?: Parameters<typeof snapshotEntry>[4]) => snapshotEntry(M, 'counter', key, help, options);

const MESSAGE_COUNTERS: [string, string][] = [
  ['register_framework', 'framework registrations'],
  ['reregister_framework', 'framework re-registrations'],
  ['unregister_framework', 'framework unregistrations (TEARDOWN)'],
  ['deactivate_framework', 'framework deactivations'],
  ['kill_task', 'KILL calls'],
  ['status_update_acknowledgement', 'status update acknowledgements'],
  ['launch_tasks', 'ACCEPT calls launching tasks'],
  ['decline_offers', 'DECLINE calls'],
  ['revive_offers', 'REVIVE calls'],
  ['suppress_offers', 'SUPPRESS calls'],
  ['reconcile_tasks', 'RECONCILE calls'],
  ['register_slave', 'agent registrations'],
  ['reregister_slave', 'agent re-registrations'],
  ['unregister_slave', 'agent unregistrations'],
  ['status_update', 'status updates from agents'],
  ['framework_to_executor', 'MESSAGE calls from frameworks to executors'],
  ['executor_to_framework', 'messages from executors to frameworks'],
];

export const MESOS_MASTER_ENTRIES: readonly CatalogueEntry[] = [
  gauge('master/uptime_secs', UPTIME_HELP),
  gauge('master/elected', 'Whether this master is the elected leader (1) or not (0).'),
  gauge('master/slaves_connected', 'Agents connected to the master.'),
  gauge('master/slaves_disconnected', 'Agents that lost their connection and have not been marked unreachable yet.'),
  gauge('master/slaves_active', 'Agents the master sends offers for.'),
  gauge('master/slaves_inactive', 'Agents the master holds back from offers.'),
  gauge('master/slaves_unreachable', 'Agents marked unreachable (missed health checks), until garbage collected.'),
  gauge('master/frameworks_connected', 'Frameworks with a live connection.'),
  gauge('master/frameworks_disconnected', 'Frameworks that lost their connection inside their failover timeout.'),
  gauge('master/frameworks_active', 'Frameworks the allocator sends offers to.'),
  gauge('master/frameworks_inactive', 'Frameworks the allocator holds offers back from.'),
  derivedEntry(M, 'gauge', 'mesos.cluster.total_frameworks', 'Frameworks registered with the master (connected or not).', {
    prometheusName: 'mesos_cluster_frameworks',
    derivation: 'frameworks_connected + frameworks_disconnected = length of /master/state frameworks',
  }),
  gauge('master/outstanding_offers', 'Offers sent and neither accepted, declined nor rescinded yet.'),
  gauge('master/event_queue_messages', "Messages waiting in the master's event queue."),
  gauge('master/event_queue_dispatches', "Dispatches (timers, allocator callbacks) waiting in the master's event queue."),
  gauge('master/event_queue_http_requests', "HTTP requests waiting in the master's event queue."),
  gauge('master/tasks_staging', 'Tasks launched and not yet reported starting by their agent.'),
  gauge('master/tasks_starting', 'Tasks reported TASK_STARTING.'),
  gauge('master/tasks_running', 'Tasks reported TASK_RUNNING.'),
  gauge('master/tasks_killing', 'Tasks being killed (TASK_KILLING).'),
  gauge('master/tasks_unreachable', 'Tasks on unreachable agents (TASK_UNREACHABLE).'),
  counter('master/tasks_finished', 'Tasks that ended TASK_FINISHED.'),
  counter('master/tasks_failed', 'Tasks that ended TASK_FAILED.'),
  counter('master/tasks_killed', 'Tasks that ended TASK_KILLED.'),
  counter('master/tasks_lost', 'Tasks that ended TASK_LOST.'),
  counter('master/tasks_error', 'Tasks rejected as invalid (TASK_ERROR).'),
  counter('master/tasks_dropped', 'Tasks that ended TASK_DROPPED.'),
  counter('master/tasks_gone', 'Tasks that ended TASK_GONE.'),
  counter('master/tasks_gone_by_operator', 'Tasks that ended TASK_GONE_BY_OPERATOR.'),
  counter('master/task_<state>/<source>/<reason>', 'Tasks that reached a state, by the source and reason of the update.', {
    dottedName: 'mesos.cluster.task_states_by_reason',
    prometheusName: 'mesos_cluster_task_states_by_reason_total',
  }),
  counter('master/dropped_messages', 'Messages the master dropped.'),
  ...MESSAGE_COUNTERS.map(([m, what]) => counter(`master/messages_${m}`, `Messages received: ${what}.`)),
  counter('master/valid_status_updates', 'Status updates from agents the master accepted.'),
  counter('master/invalid_status_updates', 'Status updates from agents the master rejected.'),
  counter('master/valid_status_update_acknowledgements', 'Status update acknowledgements the master forwarded.'),
  counter('master/invalid_status_update_acknowledgements', 'Status update acknowledgements the master rejected.'),
  counter('master/valid_framework_to_executor_messages', 'Framework-to-executor messages the master forwarded.'),
  counter('master/invalid_framework_to_executor_messages', 'Framework-to-executor messages the master rejected.'),
  counter('master/valid_executor_to_framework_messages', 'Executor-to-framework messages the master forwarded.'),
  counter('master/invalid_executor_to_framework_messages', 'Executor-to-framework messages the master rejected.'),
  counter('master/recovery_slave_removals', 'Agents removed because they did not re-register after master failover.'),
  counter('master/slave_registrations', 'Agents that registered.'),
  counter('master/slave_reregistrations', 'Agents that re-registered.'),
  counter('master/slave_removals', 'Agents removed, for any reason.'),
  counter('master/slave_removals/reason_<reason>', 'Agents removed, by reason (registered, unhealthy, unregistered).', {
    dottedName: 'mesos.cluster.slave_removals_by_reason',
  }),
  counter('master/slave_unreachable_scheduled', 'Agents scheduled to be marked unreachable.'),
  counter('master/slave_unreachable_completed', 'Agents marked unreachable.'),
  counter('master/slave_unreachable_canceled', 'Unreachable markings cancelled because the agent came back.'),
  counter('master/slave_shutdowns_scheduled', 'Legacy name of agent removals scheduled after failed health checks.'),
  counter('master/slave_shutdowns_completed', 'Legacy name of agent removals completed after failed health checks.'),
  counter('master/slave_shutdowns_canceled', 'Legacy name of agent removals cancelled after failed health checks.'),
  ...resourceEntries(M, 'master', 'the cluster'),

  // The registrar (Mesos's registry of agents and frameworks; minidc's is a file).
  gauge('registrar/queued_operations', 'Registry operations waiting to be stored.'),
  gauge('registrar/registry_size_bytes', 'Size of the stored registry in bytes.'),
  gauge('registrar/log/recovered', "Whether the registrar's storage has recovered (1) or not (0)."),
  // Mesos keeps no window for this timer: the snapshot has its one value, so it is a gauge.
  gauge('registrar/state_fetch_ms', 'Time it took to read the registry at recovery.'),
  snapshotEntry(M, 'summary', 'registrar/state_store_ms', 'Time to store the registry after a change, over the recent window.'),

  // The allocator.
  counter('allocator/mesos/allocation_runs', 'Allocation cycles run.'),
  gauge('allocator/mesos/event_queue_dispatches', "Dispatches waiting in the allocator's queue."),
  gauge('allocator/event_queue_dispatches', 'Deprecated alias of allocator/mesos/event_queue_dispatches.', {
    dottedName: 'mesos.allocator.legacy.event_queue_dispatches',
    aliasOf: 'allocator/mesos/event_queue_dispatches',
  }),
  snapshotEntry(M, 'summary', 'allocator/mesos/allocation_run_ms', 'Time an allocation cycle takes, over the recent window.'),
  snapshotEntry(M, 'summary', 'allocator/mesos/allocation_run_latency_ms', 'Delay between an allocation cycle being due and it running.'),
  // Mixed units by label, as in Mesos: cpus in CPUs, mem and disk in MB.
  gauge('allocator/mesos/resources/<resource>/total', 'Resources the allocator knows of, by resource (cpus; mem, disk in MB).', {
    dottedName: 'mesos.allocator.resources.total',
    prometheusName: 'mesos_allocator_resources',
    unit: '1',
  }),
  gauge('allocator/mesos/resources/<resource>/offered_or_allocated', 'Resources offered or allocated, by resource (cpus; mem, disk in MB).', {
    unit: '1',
  }),
  gauge('allocator/mesos/roles/<role>/shares/dominant', "A role's dominant share of the cluster, 0 to 1 (DRF)."),
  gauge('allocator/mesos/offer_filters/roles/<role>/active', "Active decline filters of a role's frameworks."),
  gauge('allocator/mesos/quota/roles/<role>/resources/<resource>/guarantee', "A role's quota guarantee of a resource.", { dottedName: 'mesos.allocator.quota.guarantee' }),
  gauge('allocator/mesos/quota/roles/<role>/resources/<resource>/limit', "A role's quota limit of a resource.", { dottedName: 'mesos.allocator.quota.limit' }),
  gauge('allocator/mesos/quota/roles/<role>/resources/<resource>/consumed', "A role's consumption of a resource, as quota counts it.", { dottedName: 'mesos.allocator.quota.consumed' }),
  gauge('allocator/mesos/quota/roles/<role>/resources/<resource>/offered_or_allocated', "A quota role's offered or allocated resource.", { dottedName: 'mesos.allocator.quota.offered_or_allocated' }),

  // Per framework (Mesos's --publish_per_framework_metrics, on by default); the name is percent-encoded in the key.
  ...frameworkEntries(),
];

function frameworkEntries(): CatalogueEntry[] {
  const base = 'master/frameworks/<framework>/<framework_id>';
  const options = (dotted: string) => ({ dottedName: `mesos.framework.${dotted}`, encodedLabels: ['framework'] });
  return [
    gauge(`${base}/subscribed`, 'Whether the framework is subscribed (1) or not (0).', options('subscribed')),
    counter(`${base}/calls`, 'Scheduler calls the framework made.', options('calls')),
    counter(`${base}/calls/<call>`, 'Scheduler calls the framework made, by call type.', options('calls_by_type')),
    counter(`${base}/events`, 'Events the master sent the framework.', options('events')),
    counter(`${base}/events/<event>`, 'Events the master sent the framework, by event type.', options('events_by_type')),
    counter(`${base}/offers/<outcome>`, "Offers by outcome (sent, accepted, declined, rescinded).", options('offers')),
    gauge(`${base}/tasks/active/task_<state>`, "The framework's tasks in an active state.", options('tasks_active')),
    counter(`${base}/tasks/terminal/task_<state>`, "The framework's tasks that reached a terminal state.", options('tasks_terminal')),
    gauge(`${base}/roles/<role>/suppressed`, 'Whether the framework has suppressed offers for a role (1).', options('role_suppressed')),
  ];
}

/** From `/master/roles` (Datadog's `mesos.role.*`). */
const R = ['mesos_roles'] as const;
export const MESOS_ROLE_ENTRIES: readonly CatalogueEntry[] = [
  derivedEntry(R, 'gauge', 'mesos.role.weight', "A role's weight.", { labelNames: ['role'], derivation: '/master/roles: weight' }),
  derivedEntry(R, 'gauge', 'mesos.role.frameworks.count', 'Frameworks subscribed to a role.', {
    prometheusName: 'mesos_role_frameworks',
    labelNames: ['role'],
    derivation: '/master/roles: length of frameworks',
  }),
  derivedEntry(R, 'gauge', 'mesos.role.cpu', 'CPUs allocated to a role.', {
    prometheusName: 'mesos_role_cpus',
    labelNames: ['role'],
    derivation: '/master/roles: resources.cpus',
  }),
  derivedEntry(R, 'gauge', 'mesos.role.mem', 'Memory allocated to a role (MB).', {
    prometheusName: 'mesos_role_mem_bytes',
    prometheusScale: 1024 * 1024,
    unit: 'MiBy',
    labelNames: ['role'],
    derivation: '/master/roles: resources.mem',
  }),
  derivedEntry(R, 'gauge', 'mesos.role.disk', 'Disk allocated to a role (MB).', {
    prometheusName: 'mesos_role_disk_bytes',
    prometheusScale: 1024 * 1024,
    unit: 'MiBy',
    labelNames: ['role'],
    derivation: '/master/roles: resources.disk',
  }),
];
