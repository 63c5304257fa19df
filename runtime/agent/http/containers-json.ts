/**
 * The agent's `/containers` (Mesos `Http::_containers`): one entry per live executor container with its status and
 * resource statistics. Statistics hold what is really measured: the limits from the task's resources, and CPU
 * time, memory, process and thread counts from /proc while the task's processes can be read. Nothing is filled in
 * when it cannot be measured.
 */
import type { Agent, AgentTask } from '../agent.ts';
import { fromMilli } from '../../mesos/resources.ts';
import { commandExecutorName } from './agent-executor-json.ts';
import { processUsage, type ProcessUsage } from './process-usage.ts';

export interface ContainersOptions {
  /** Only this container (Mesos's `?container_id=`). */
  containerId?: string;
  nowMs: number;
  procDir?: string;
}

const MIB = 1024 * 1024;

export async function containersJson(agent: Agent, options: ContainersOptions): Promise<object[]> {
  const tasks: AgentTask[] = [];
  for (const fw of agent.frameworks.values())
    for (const t of fw.tasks.values())
      if (options.containerId === undefined || t.containerId === options.containerId) tasks.push(t);
  const pids = new Map<AgentTask, number>();
  for (const t of tasks) {
    const pid = t.statuses[t.statuses.length - 1]?.containerStatus?.executor_pid;
    if (pid !== undefined) pids.set(t, pid);
  }
  const usage = await processUsage(new Set(pids.values()), options.procDir);
  return tasks.map((t) => {
    const pid = pids.get(t);
    const status: Record<string, unknown> = { container_id: { value: t.containerId } };
    if (pid !== undefined) status.executor_pid = pid;
    return {
      framework_id: t.frameworkId,
      executor_id: t.executorId,
      executor_name: commandExecutorName(t.launch.taskId, t.launch.command),
      source: t.launch.taskId,
      container_id: t.containerId,
      status,
      statistics: statisticsJson(t, pid === undefined ? undefined : usage.get(pid), options.nowMs),
    };
  });
}

/** Mesos's ResourceStatistics field names. */
function statisticsJson(task: AgentTask, usage: ProcessUsage | undefined, nowMs: number): Record<string, number> {
  const out: Record<string, number> = { timestamp: nowMs / 1000 };
  if (usage) {
    out.processes = usage.processes;
    out.threads = usage.threads;
    out.cpus_user_time_secs = usage.cpusUserTimeSecs;
    out.cpus_system_time_secs = usage.cpusSystemTimeSecs;
  }
  const cpus = task.launch.resources.scalarMilli('cpus');
  if (cpus > 0) out.cpus_limit = fromMilli(cpus);
  if (usage?.memRssBytes !== undefined) out.mem_rss_bytes = usage.memRssBytes;
  const mem = task.launch.resources.scalarMilli('mem');
  if (mem > 0) out.mem_limit_bytes = Math.round(fromMilli(mem) * MIB);
  return out;
}
