/**
 * The first step every executor takes with a launch request: open the task's status stream and refuse invalid or
 * duplicate specs with TASK_ERROR. Requests may come straight from the wire, so nothing in `task` is trusted yet.
 */
import { validateTaskSpec, type TaskSpec } from './task-spec.ts';
import type { TaskStatusListener } from '../mesos/task-status.ts';
import { TaskStatusReporter } from './task-status-reporter.ts';

export interface AcceptedLaunch {
  taskId: string;
  reporter: TaskStatusReporter;
  /** Reports errors for this task (e.g. a throwing status listener). */
  onError: (error: unknown) => void;
}

export function acceptLaunch(
  task: TaskSpec,
  onStatus: TaskStatusListener,
  options: { now: () => number; onError: (error: unknown, taskId: string) => void; isLive: (taskId: string) => boolean },
): AcceptedLaunch | undefined {
  const raw = task as Partial<TaskSpec> | null | undefined;
  const taskId = typeof raw?.taskId === 'string' ? raw.taskId : '';
  const host = typeof raw?.host === 'string' ? raw.host : undefined;
  const onError = (e: unknown) => options.onError(e, taskId);
  const containerId = typeof raw?.containerId === 'string' && raw.containerId !== '' ? raw.containerId : undefined;
  const reporter = new TaskStatusReporter(taskId, onStatus, host, { now: options.now, onError }, containerId);
  const problem = validateTaskSpec(task) ?? (options.isLive(taskId) ? `Task '${taskId}' is already running` : undefined);
  if (problem !== undefined) {
    reporter.report('TASK_ERROR', { message: problem, source: 'SOURCE_SLAVE', reason: 'REASON_TASK_INVALID' });
    return undefined;
  }
  return { taskId, reporter, onError };
}
