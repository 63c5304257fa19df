/**
 * How Marathon names what it launches. Task ids are `<app path without the leading slash, '/' → '_'>.<uuid>`
 * (`/group/web` → `group_web.<uuid>`), so the app can be read back from a task id alone; the Mesos task name is the
 * app's segments reversed and dot-joined (`web.group`), which Mesos-DNS turns into `web.group.marathon.mesos`.
 */
import { randomUUID } from 'node:crypto';

export function taskIdPrefix(appId: string): string {
  return appId.replace(/^\//, '').replaceAll('/', '_');
}

export function newTaskId(appId: string, uuid: string = randomUUID()): string {
  return `${taskIdPrefix(appId)}.${uuid}`;
}

/** The app a task id belongs to; app segments never contain '_', and the uuid never contains '.'. */
export function appIdOfTaskId(taskId: string): string | undefined {
  const dot = taskId.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return '/' + taskId.slice(0, dot).replaceAll('_', '/');
}

export function mesosTaskName(appId: string): string {
  return appId.split('/').filter((s) => s !== '').reverse().join('.');
}
