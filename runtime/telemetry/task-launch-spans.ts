/**
 * One span per task launch, from the master accepting the offer to the task's first TASK_RUNNING (ok) or a
 * terminal state before it (error). Spans are held in a WeakMap keyed by the master's task record, so a task that
 * is dropped without reaching either (the master stopped) costs nothing and leaks nothing; with tracing off the
 * non-recording span is not even stored.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import { isTerminal, type TaskState } from '../mesos/task-state.ts';
import { endSpan, startSpan } from './tracer.ts';

export const TASK_LAUNCH_SPAN = 'mesos.task.launch';

const open = new WeakMap<object, Span>();

export function beginTaskLaunchSpan(task: object, attributes: Attributes): void {
  const span = startSpan(TASK_LAUNCH_SPAN, attributes);
  if (span.isRecording()) open.set(task, span);
}

/** The task moved to `state`: ends its launch span at TASK_RUNNING or a terminal state. */
export function taskLaunchSpanState(task: object, state: TaskState): void {
  const span = open.get(task);
  if (span === undefined || (state !== 'TASK_RUNNING' && !isTerminal(state))) return;
  open.delete(task);
  endSpan(span, { 'mesos.task.state': state }, state === 'TASK_RUNNING' ? undefined : `task ended ${state} before TASK_RUNNING`);
}
