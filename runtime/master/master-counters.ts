/**
 * The master's counters and task gauges, kept as things happen (never reconstructed at snapshot time), under the
 * keys Mesos publishes them with. Only what minidc's master actually does is registered; a key that could only ever
 * read zero is left out rather than published as a stand-in.
 */
import { isTerminal, type TaskState } from '../mesos/task-state.ts';
import type { TaskStatusReason, TaskStatusSource } from '../mesos/task-status.ts';

export const MASTER_COUNTER_KEYS = [
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
  'master/tasks_finished',
  'master/tasks_failed',
  'master/tasks_killed',
  'master/tasks_lost',
  'master/tasks_error',
  'master/tasks_dropped',
  'master/tasks_gone',
  'master/tasks_gone_by_operator',
] as const;

export type MasterCounterKey = (typeof MASTER_COUNTER_KEYS)[number];

/** Gauges of tasks currently in each non-terminal state. */
export const ACTIVE_TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_UNREACHABLE',
] as const satisfies readonly TaskState[];

/** `TASK_RUNNING` → `running`, as Mesos spells states in metric keys. */
export function stateKeyPart(state: TaskState): string {
  return state.slice('TASK_'.length).toLowerCase();
}

export class MasterCounters {
  private readonly counters = new Map<string, number>(MASTER_COUNTER_KEYS.map((k) => [k, 0]));
  /** `master/<task_state>/<source>/<reason>`, created on first use as Mesos does. */
  private readonly byReason = new Map<string, number>();
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
      this.inc(`master/tasks_${stateKeyPart(to)}` as MasterCounterKey);
      if (source !== undefined && reason !== undefined) {
        const key = `master/task_${stateKeyPart(to)}/${source.toLowerCase()}/${reason.toLowerCase()}`;
        this.byReason.set(key, (this.byReason.get(key) ?? 0) + 1);
      }
    }
  }

  snapshot(out: Record<string, number>): void {
    for (const [k, v] of this.counters) out[k] = v;
    for (const [k, v] of this.byReason) out[k] = v;
    for (const [s, v] of this.active) out[`master/tasks_${stateKeyPart(s)}`] = v;
  }
}
