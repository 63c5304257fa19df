/**
 * Task states as Mesos spells them inside metric keys (`TASK_RUNNING` → `running`). Every `master/tasks_*`,
 * `slave/tasks_*` and per-framework task-state key is built from the one list of states, TASK_STATES; publishers
 * pick the states they publish by filtering it, never by writing their own list.
 */
import type { TaskState } from '../mesos/task-state.ts';

export type TaskStateKeyPart<S extends TaskState = TaskState> = Lowercase<S extends `TASK_${infer R}` ? R : never>;

export function taskStateKeyPart<S extends TaskState>(state: S): TaskStateKeyPart<S> {
  return state.slice('TASK_'.length).toLowerCase() as TaskStateKeyPart<S>;
}
