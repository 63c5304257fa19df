/**
 * Which task sandbox a `/files` path names. Mesos's agent exposes each executor's sandbox under two names: its real
 * directory (`<work_dir>/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>`, the `directory` in
 * `/state`) and the virtual `/frameworks/<fw>/executors/<ex>/runs/latest` (its newest run). Both are parsed
 * rather than searched, so a lookup costs a few map reads, not a walk over every task.
 */
import { resolve } from 'node:path';
import type { Agent, AgentFramework, AgentTask } from '../agent.ts';

export type SandboxLookup =
  /** A known sandbox, and the path segments below it. */
  | { kind: 'sandbox'; task: AgentTask; rest: string[] }
  /** Shaped like a sandbox path, but no such executor or run. */
  | { kind: 'unknown' }
  /** Not inside any sandbox at all. */
  | { kind: 'outside' };

/** `segments`: the requested path split on '/', without empty and '.' parts; the caller has refused '..'. */
export function lookupSandbox(agent: Agent, segments: readonly string[]): SandboxLookup {
  if (segments[0] === 'frameworks') return lookupVirtual(agent, segments);
  return lookupReal(agent, segments);
}

function lookupVirtual(agent: Agent, s: readonly string[]): SandboxLookup {
  // frameworks/<fw>/executors/<ex>/runs/latest/...
  if (s.length < 6 || s[2] !== 'executors' || s[4] !== 'runs' || s[5] !== 'latest') return { kind: 'unknown' };
  const task = executorRuns(agent, s[1]!, s[3]!).next().value;
  return task ? { kind: 'sandbox', task, rest: s.slice(6) } : { kind: 'unknown' };
}

function lookupReal(agent: Agent, s: readonly string[]): SandboxLookup {
  const work = resolve(agent.workDir).split('/').filter((p) => p !== '');
  for (let i = 0; i < work.length; i++) if (s[i] !== work[i]) return { kind: 'outside' };
  // slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>/...
  const t = s.slice(work.length);
  if (t.length < 8 || t[0] !== 'slaves' || t[2] !== 'frameworks' || t[4] !== 'executors' || t[6] !== 'runs')
    return { kind: 'outside' };
  if (t[1] !== agent.id) return { kind: 'unknown' };
  for (const task of executorRuns(agent, t[3]!, t[5]!))
    if (task.containerId === t[7]) return { kind: 'sandbox', task, rest: t.slice(8) };
  return { kind: 'unknown' };
}

/** The runs of one executor, newest first: the live one, then finished ones. */
function* executorRuns(agent: Agent, frameworkId: string, executorId: string): Generator<AgentTask> {
  for (const fw of frameworksWithId(agent, frameworkId)) {
    // Command executors share their task's id, so the task map finds the live run directly.
    const direct = fw.tasks.get(executorId);
    if (direct?.executorId === executorId) yield direct;
    else for (const t of fw.tasks.values()) if (t.executorId === executorId) yield t;
  }
  for (const fw of frameworksWithId(agent, frameworkId))
    for (let i = fw.completed.length - 1; i >= 0; i--) {
      const t = fw.completed[i]!;
      if (t.executorId === executorId) yield t;
    }
}

function frameworksWithId(agent: Agent, frameworkId: string): AgentFramework[] {
  const out: AgentFramework[] = [];
  const live = agent.frameworks.get(frameworkId);
  if (live) out.push(live);
  for (const fw of agent.completedFrameworks) if (fw.info.id === frameworkId && fw !== live) out.push(fw);
  return out;
}
