/**
 * The master's counters and task gauges, kept as things happen (never reconstructed at snapshot time), under the
 * keys Mesos publishes them with. Only what minidc's master actually does is registered; a key that could only ever
 * read zero is left out rather than published as a stand-in, except the legacy keys Mesos itself pins at zero.
 */
import { isTerminal, TASK_STATES, type TaskState } from '../mesos/task-state.ts';
import type { TaskStatusReason, TaskStatusSource } from '../mesos/task-status.ts';
import { MetricKeys } from '../metrics/metric-keys.ts';
import { taskStateKeyPart, type TaskStateKeyPart } from '../metrics/task-state-keys.ts';

/** Gauges of tasks currently in each non-terminal state; Mesos's master has none for TASK_UNKNOWN. */
export const ACTIVE_TASK_STATES = TASK_STATES.filter((s) => !isTerminal(s) && s !== 'TASK_UNKNOWN');
/** Counters of tasks that reached each terminal state. */
const TERMINAL_TASK_STATES = TASK_STATES.filter(isTerminal);

type TaskStateKey = `master/tasks_${TaskStateKeyPart}`;
const taskStateKey = (s: TaskState): TaskStateKey => `master/tasks_${taskStateKeyPart(s)}`;

const MESSAGE_COUNTER_KEYS = [
  'master/dropped_messages',
  'master/messages_register_framework',
  'master/messages_reregister_framework',
  'master/messages_unregister_framework',
  'master/messages_deactivate_framework',
  'master/messages_kill_task',
  'master/messages_status_update_acknowledgement',
  'master/messages_launch_tasks',
  'master/messages_decline_offers',
  'master/messages_revive_offers',
  'master/messages_suppress_offers',
  'master/messages_reconcile_tasks',
  'master/messages_framework_to_executor',
  'master/messages_executor_to_framework',
  'master/valid_framework_to_executor_messages',
  'master/invalid_framework_to_executor_messages',
  'master/valid_executor_to_framework_messages',
  'master/invalid_executor_to_framework_messages',
  'master/messages_register_slave',
  'master/messages_reregister_slave',
  'master/messages_unregister_slave',
  'master/messages_status_update',
  'master/valid_status_updates',
  'master/invalid_status_updates',
  'master/valid_status_update_acknowledgements',
  'master/invalid_status_update_acknowledgements',
  'master/recovery_slave_removals',
  'master/slave_registrations',
  'master/slave_reregistrations',
  'master/slave_removals',
  'master/slave_removals/reason_unhealthy',
  'master/slave_removals/reason_unregistered',
  'master/slave_removals/reason_registered',
  'master/slave_unreachable_scheduled',
  'master/slave_unreachable_completed',
  'master/slave_unreachable_canceled',
] as const;

/**
 * Mesos still registers these but never increments them since agents are marked unreachable instead of shut down
 * (src/master/metrics.hpp: "deprecated and will always be zero. Remove in Mesos 2.0"); minidc publishes the same 0s,
 * and counts the events under master/slave_unreachable_*.
 */
const ALWAYS_ZERO_KEYS = ['master/slave_shutdowns_scheduled', 'master/slave_shutdowns_completed', 'master/slave_shutdowns_canceled'] as const;

export const MASTER_COUNTER_KEYS: readonly MasterCounterKey[] = [...MESSAGE_COUNTER_KEYS, ...TERMINAL_TASK_STATES.map(taskStateKey)];

export type MasterCounterKey = (typeof MESSAGE_COUNTER_KEYS)[number] | TaskStateKey;

/** Every key MasterCounters publishes. */
export const MASTER_COUNTER_METRICS = new MetricKeys('master counters', {
  fixed: [...MASTER_COUNTER_KEYS, ...ALWAYS_ZERO_KEYS, ...ACTIVE_TASK_STATES.map(taskStateKey)],
  // Created on first use, as Mesos does.
  templates: ['master/task_<state>/<source>/<reason>'],
});

export class MasterCounters {
  private readonly counters = new Map<MasterCounterKey, number>(MASTER_COUNTER_KEYS.map((k) => [k, 0]));
  /** `master/task_<state>/<source>/<reason>` parameters → count. */
  private readonly byReason = new Map<string, { state: string; source: string; reason: string; n: number }>();
  private readonly active = new Map<TaskState, number>(ACTIVE_TASK_STATES.map((s) => [s, 0]));

  inc(key: MasterCounterKey, by = 1): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  get(key: MasterCounterKey): number {
    return this.counters.get(key) ?? 0;
  }

  activeTasks(state: TaskState): number {
    return this.active.get(state) ?? 0;
  }

  /** A task moved from `from` (undefined: it is new) to `to`. */
  taskTransition(from: TaskState | undefined, to: TaskState, source?: TaskStatusSource, reason?: TaskStatusReason): void {
    if (from !== undefined && this.active.has(from)) this.active.set(from, this.active.get(from)! - 1);
    if (this.active.has(to)) this.active.set(to, this.active.get(to)! + 1);
    if (isTerminal(to)) {
      this.inc(taskStateKey(to));
      if (source !== undefined && reason !== undefined) {
        const params = { state: taskStateKeyPart(to), source: source.toLowerCase(), reason: reason.toLowerCase() };
        const id = `${params.state}/${params.source}/${params.reason}`;
        const entry = this.byReason.get(id);
        if (entry) entry.n++;
        else this.byReason.set(id, { ...params, n: 1 });
      }
    }
  }

  snapshot(out: Record<string, number>): void {
    const w = MASTER_COUNTER_METRICS.writer(out);
    for (const [k, v] of this.counters) w.set(k, v);
    for (const k of ALWAYS_ZERO_KEYS) w.set(k, 0);
    for (const { n, ...params } of this.byReason.values()) w.setTemplate('master/task_<state>/<source>/<reason>', params, n);
    for (const [s, v] of this.active) w.set(taskStateKey(s), v);
  }
}
