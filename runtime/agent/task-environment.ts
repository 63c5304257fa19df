/**
 * The environment a task process starts with. Layered so that what the framework put in the task env (Marathon
 * sets PORT*, HOST itself) wins over the agent's defaults, while the MESOS_* identity of the task is the agent's.
 */
import type { TaskSpec } from './task-spec.ts';

/** Mesos's default PATH for tasks when the agent itself has none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface InheritedEnvironment {
  PATH?: string;
  HOME?: string;
}

export function taskEnvironment(task: TaskSpec, inherited: InheritedEnvironment): Record<string, string> {
  const env: Record<string, string> = { PATH: inherited.PATH ?? DEFAULT_PATH };
  if (inherited.HOME !== undefined) env.HOME = inherited.HOME;
  env.HOST = task.host;
  if (task.ports.length > 0) {
    env.PORT = String(task.ports[0]);
    env.PORTS = task.ports.join(',');
    task.ports.forEach((p, i) => (env[`PORT${i}`] = String(p)));
  }
  Object.assign(env, task.env);
  env.MESOS_TASK_ID = task.taskId;
  env.MESOS_FRAMEWORK_ID = task.frameworkId;
  env.MESOS_EXECUTOR_ID = task.executorId ?? task.taskId;
  env.MESOS_SANDBOX = task.sandboxDir;
  return env;
}
