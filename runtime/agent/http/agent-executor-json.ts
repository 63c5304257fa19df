/**
 * An agent task's executor as Mesos's agent `/state` prints it (`ExecutorWriter`). minidc runs every task under its
 * own command executor, as Mesos does for tasks without an ExecutorInfo: the executor shares the task's id, its
 * source is the task id, and its name describes the command.
 */
import type { CommandSpec } from '../../mesos/scheduler-api.ts';
import type { AgentTask } from '../agent.ts';
import { resourcesJson } from '../../mesos/json/resources-json.ts';
import { taskJson } from '../../mesos/json/task-json.ts';

/** Long commands are cut to 12 characters plus "...", as Mesos names command executors. */
const NAME_COMMAND_MAX = 15;
const NAME_COMMAND_CUT = 12;

const shorten = (s: string) => (s.length > NAME_COMMAND_MAX ? `${s.slice(0, NAME_COMMAND_CUT)}...` : s);

/** "Command Executor (Task: t1) (Command: sh -c 'sleep 100')" */
export function commandExecutorName(taskId: string, command: CommandSpec): string {
  let what: string;
  if (command.shell !== false) what = `(Command: sh -c '${shorten(command.value)}')`;
  else what = `(Command: [${shorten([command.value, ...(command.arguments ?? [])].join(', '))}])`;
  return `Command Executor (Task: ${taskId}) ${what}`;
}

export function agentTaskJson(task: AgentTask, agentId: string): Record<string, unknown> {
  const { launch } = task;
  return taskJson({
    id: launch.taskId,
    name: launch.name,
    frameworkId: task.frameworkId,
    // Tasks run by the command executor carry no executor id, as Mesos prints them.
    executorId: '',
    agentId,
    state: task.state,
    resources: launch.resources,
    role: task.role,
    statuses: task.statuses,
    ...(launch.labels ? { labels: launch.labels } : {}),
    ...(launch.discovery ? { discovery: launch.discovery } : {}),
    ...(launch.user === undefined ? {} : { user: launch.user }),
  });
}

/**
 * The executor of one task: a live one lists the task under `tasks`, a finished one under `completed_tasks`.
 * Its resources are the task's: minidc charges no executor overhead (Mesos adds 0.1 cpus and 32 MB).
 */
export function agentExecutorJson(task: AgentTask, agentId: string, live: boolean): Record<string, unknown> {
  const t = agentTaskJson(task, agentId);
  return {
    id: task.executorId,
    name: commandExecutorName(task.launch.taskId, task.launch.command),
    source: task.launch.taskId,
    container: task.containerId,
    directory: task.directory,
    resources: resourcesJson(task.launch.resources),
    role: task.role,
    tasks: live ? [t] : [],
    queued_tasks: [],
    completed_tasks: live ? [] : [t],
  };
}
