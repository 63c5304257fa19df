/**
 * The agent's `/state` (also `/slave(1)/state`) with Mesos's field names and nesting (`src/slave/http.cpp`,
 * `Http::state`), which Mesos-DNS, the DC/OS UI and exporters read unchanged.
 *
 * Frameworks are split the way Mesos's agent keeps them: a framework with a live task is in `frameworks`; once its
 * last executor has finished it is a completed framework. Mesos's agent prints no `capabilities` for frameworks
 * and no `framework_id` for executors, so neither does this.
 */
import { Resources } from '../../mesos/resources.ts';
import type { Agent, AgentFramework } from '../agent.ts';
import { BUILD_INFO } from '../../mesos/json/build-info.ts';
import { reservedResourcesJson, resourcesFullJson, resourcesJson } from '../../mesos/json/resources-json.ts';
import { agentExecutorJson } from './agent-executor-json.ts';

export type AgentFlags = Readonly<Record<string, string>>;

/** The capabilities the master lists for minidc agents (master-state-json.ts), so both views agree. */
export const DEFAULT_AGENT_CAPABILITIES: readonly string[] = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

export interface AgentStateOptions {
  flags: AgentFlags;
  capabilities?: readonly string[];
}

/** Frameworks with a live task, and those the agent is done with (Mesos's `completed_frameworks`). */
export function partitionFrameworks(agent: Agent): { active: AgentFramework[]; completed: AgentFramework[] } {
  const active: AgentFramework[] = [];
  const completed: AgentFramework[] = [...agent.completedFrameworks];
  for (const fw of agent.frameworks.values()) (fw.tasks.size > 0 ? active : completed).push(fw);
  return { active, completed };
}

/** Resources held by live tasks. */
export function allocatedResources(agent: Agent): Resources {
  const list: Resources[] = [];
  for (const fw of agent.frameworks.values()) for (const t of fw.tasks.values()) list.push(t.launch.resources);
  return Resources.of(list.flatMap((r) => r.entries));
}

function frameworkJson(fw: AgentFramework, agentId: string): Record<string, unknown> {
  const { info } = fw;
  const out: Record<string, unknown> = {
    id: info.id,
    name: info.name,
    user: info.user,
    failover_timeout: info.failoverTimeoutSecs ?? 0,
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? '',
  };
  if (info.principal !== undefined) out.principal = info.principal;
  // Mesos mirrors FrameworkInfo: `roles` for MULTI_ROLE frameworks, `role` for the others.
  if (info.capabilities?.includes('MULTI_ROLE')) out.roles = info.roles;
  else out.role = info.roles[0] ?? '*';
  out.executors = [...fw.tasks.values()].map((t) => agentExecutorJson(t, agentId, true));
  out.completed_executors = fw.completed.map((t) => agentExecutorJson(t, agentId, false));
  return out;
}

function reservedFullJson(resources: Resources): Record<string, object[]> {
  const out: Record<string, object[]> = {};
  for (const role of Object.keys(reservedResourcesJson(resources))) out[role] = resourcesFullJson(resources.reserved(role));
  return out;
}

export function agentStateJson(agent: Agent, options: AgentStateOptions): Record<string, unknown> {
  const agentId = agent.id ?? '';
  const total = agent.options.resources;
  const allocated = allocatedResources(agent);
  const { active, completed } = partitionFrameworks(agent);
  const out: Record<string, unknown> = {
    ...BUILD_INFO,
    version: agent.options.version,
    start_time: agent.startTime,
    id: agentId,
    pid: agent.pid,
    hostname: agent.options.hostname,
    capabilities: options.capabilities ?? DEFAULT_AGENT_CAPABILITIES,
    resources: resourcesJson(total),
    reserved_resources: reservedResourcesJson(total),
    unreserved_resources: resourcesJson(total.unreserved()),
    reserved_resources_full: reservedFullJson(total),
    unreserved_resources_full: resourcesFullJson(total.unreserved()),
    reserved_resources_allocated: reservedResourcesJson(allocated),
    unreserved_resources_allocated: resourcesJson(allocated.unreserved()),
    attributes: agent.options.attributes,
  };
  if (agent.masterHostname !== undefined) out.master_hostname = agent.masterHostname;
  out.flags = options.flags;
  out.frameworks = active.map((fw) => frameworkJson(fw, agentId));
  out.completed_frameworks = completed.map((fw) => frameworkJson(fw, agentId));
  return out;
}
