/**
 * Findings from the Mesos master's `/master/tasks`: per app, tasks that failed recently (the app's own fault:
 * TASK_FAILED, TASK_ERROR, and TASK_KILLED when Marathon did not ask for the kill) — a crash loop once there are
 * enough of them — and tasks lost with their agent (TASK_LOST, TASK_GONE, TASK_DROPPED, and TASK_UNREACHABLE for as
 * long as it lasts). Mesos's task JSON carries no status message, so the why of a failure comes from Marathon's
 * `lastTaskFailure` when Marathon is given (`Command exited with status 1`).
 */
import type { DiagnosedNode, Finding } from './diagnosis.ts';
import type { MasterAgent } from './agent-findings.ts';

export interface TaskFindingOptions {
  nowMs: number;
  /** How far back a terminal task counts. */
  windowMs: number;
  /** Failures of one app within the window that make it a crash loop. */
  crashLoopFailures: number;
}

/** An app's last failure as Marathon keeps it (`/v2/apps?embed=apps.lastTaskFailure`). */
export interface MarathonTaskFailure {
  appId: string;
  taskId: string;
  state: string;
  message: string;
  host: string;
}

interface TaskJson {
  id?: unknown;
  name?: unknown;
  framework_id?: unknown;
  slave_id?: unknown;
  state?: unknown;
  statuses?: { state?: unknown; timestamp?: unknown }[];
}

const APP_FAILURES = new Set(['TASK_FAILED', 'TASK_ERROR']);
const LOSSES = new Set(['TASK_LOST', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_DROPPED', 'TASK_UNREACHABLE']);

interface FailedTask {
  id: string;
  state: string;
  /** Seconds since the epoch of its last status. */
  at: number;
  agentId: string;
}

/** Framework id → name from a `/master/frameworks` body (its frameworks and completed ones). */
export function frameworkNamesOf(body: unknown): Map<string, string> {
  const b = body as { frameworks?: unknown; completed_frameworks?: unknown } | null;
  const names = new Map<string, string>();
  for (const list of [b?.frameworks, b?.completed_frameworks])
    for (const fw of Array.isArray(list) ? (list as { id?: unknown; name?: unknown }[]) : [])
      if (typeof fw?.id === 'string' && typeof fw.name === 'string') names.set(fw.id, fw.name);
  return names;
}

/** The last failure of each app in a Marathon `/v2/apps?embed=apps.lastTaskFailure` body, by task id. */
export function marathonFailuresOf(body: unknown): Map<string, MarathonTaskFailure> {
  const apps = (body as { apps?: unknown } | null)?.apps;
  const failures = new Map<string, MarathonTaskFailure>();
  for (const app of Array.isArray(apps) ? (apps as { id?: unknown; lastTaskFailure?: Record<string, unknown> }[]) : []) {
    const f = app?.lastTaskFailure;
    if (typeof app?.id !== 'string' || typeof f !== 'object' || f === null || typeof f.taskId !== 'string') continue;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    failures.set(f.taskId, { appId: app.id, taskId: f.taskId, state: text(f.state), message: text(f.message), host: text(f.host) });
  }
  return failures;
}

export function taskFindings(
  tasksBody: unknown,
  frameworkNames: ReadonlyMap<string, string>,
  marathonFailures: ReadonlyMap<string, MarathonTaskFailure>,
  agents: readonly MasterAgent[],
  options: TaskFindingOptions,
): Finding[] {
  const tasks = (tasksBody as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(tasks)) throw new Error('the answer has no tasks list');
  const since = (options.nowMs - options.windowMs) / 1000;
  const failed = new Map<string, FailedTask[]>();
  const lost = new Map<string, FailedTask[]>();
  for (const t of tasks as TaskJson[]) {
    if (typeof t?.id !== 'string' || typeof t.state !== 'string') continue;
    const statuses = Array.isArray(t.statuses) ? t.statuses : [];
    const last = statuses[statuses.length - 1]?.timestamp;
    const task: FailedTask = { id: t.id, state: t.state, at: typeof last === 'number' ? last : 0, agentId: typeof t.slave_id === 'string' ? t.slave_id : '' };
    // An unreachable task is a present state, however long ago it began; terminal ones count while recent.
    if (task.state !== 'TASK_UNREACHABLE' && task.at < since) continue;
    const unrequestedKill = task.state === 'TASK_KILLED' && marathonFailures.get(t.id)?.state === 'TASK_KILLED';
    const into = APP_FAILURES.has(task.state) || unrequestedKill ? failed : LOSSES.has(task.state) ? lost : undefined;
    if (into === undefined) continue;
    const key = appOf(t, frameworkNames);
    into.set(key, [...(into.get(key) ?? []), task]);
  }
  const agentById = new Map(agents.map((a) => [a.id, a]));
  const findings: Finding[] = [];
  for (const [app, list] of sortedEntries(failed)) {
    const crashLoop = list.length >= options.crashLoopFailures;
    const lastFailure = [...list].reverse().map((t) => marathonFailures.get(t.id)).find((f) => f !== undefined);
    findings.push({
      severity: crashLoop ? 'critical' : 'error',
      ...nodeOf(list, agentById),
      what: crashLoop
        ? `${app} is crash-looping: ${list.length} tasks failed in the last ${minutes(options.windowMs)}`
        : `${app}: ${count(list.length, 'task')} failed in the last ${minutes(options.windowMs)}`,
      why:
        lastFailure === undefined
          ? `its tasks ended ${[...new Set(list.map((t) => t.state))].sort().join(', ')}`
          : `last failure ${lastFailure.state} on ${lastFailure.host || 'an unknown host'}: ${lastFailure.message || 'no message'}`,
      evidence: list.sort(byTime).map((t) => taskLine(t, agentById)),
    });
  }
  for (const [app, list] of sortedEntries(lost)) {
    const agentsOfList = [...new Set(list.map((t) => agentName(t.agentId, agentById)))].sort();
    findings.push({
      severity: 'error',
      ...nodeOf(list, agentById),
      what: `${app}: ${count(list.length, 'task')} lost with ${agentsOfList.length === 1 ? 'its agent' : 'their agents'}`,
      why: `agent ${agentsOfList.join(', ')} unreachable or gone: ${[...new Set(list.map((t) => t.state))].sort().join(', ')}`,
      evidence: list.sort(byTime).map((t) => taskLine(t, agentById)),
    });
  }
  return findings;
}

/**
 * The app a task belongs to. Marathon's task ids are `<app path, '/' → '_'>.<uuid>` (Marathon ≥ 1.5:
 * `<app>.instance-<uuid>._app.<n>`), so the app is read back from the id; other frameworks' tasks are grouped by
 * framework and task name.
 */
function appOf(t: TaskJson, frameworkNames: ReadonlyMap<string, string>): string {
  const id = t.id as string;
  const framework = typeof t.framework_id === 'string' ? (frameworkNames.get(t.framework_id) ?? t.framework_id) : '';
  if (framework.startsWith('marathon')) {
    const instance = id.indexOf('.instance-');
    const end = instance > 0 ? instance : id.lastIndexOf('.');
    if (end > 0) return `app /${id.slice(0, end).replaceAll('_', '/')}`;
  }
  return `tasks '${typeof t.name === 'string' ? t.name : id}' of framework ${framework || 'unknown'}`;
}

/** The agent all the tasks ran on, when it is one the master knows. */
function nodeOf(list: readonly FailedTask[], agentById: ReadonlyMap<string, MasterAgent>): { node?: DiagnosedNode } {
  const ids = new Set(list.map((t) => t.agentId));
  const agent = ids.size === 1 ? agentById.get([...ids][0]!) : undefined;
  return agent === undefined ? {} : { node: { ip: agent.ip, role: agent.role } };
}

function taskLine(t: FailedTask, agentById: ReadonlyMap<string, MasterAgent>): string {
  return `${new Date(t.at * 1000).toISOString()} ${t.state} ${t.id} on ${agentName(t.agentId, agentById)}`;
}

const agentName = (id: string, agentById: ReadonlyMap<string, MasterAgent>) => {
  const agent = agentById.get(id);
  return agent === undefined ? id || 'an unknown agent' : `${agent.ip} (${id})`;
};
const byTime = (a: FailedTask, b: FailedTask) => a.at - b.at || a.id.localeCompare(b.id);
const sortedEntries = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);
