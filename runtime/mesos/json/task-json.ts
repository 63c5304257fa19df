/**
 * A task as Mesos's master and agent `/state` endpoints print it (`model(Task)`), shared by both so the field
 * names and nesting cannot drift apart. Mesos-DNS, DC/OS's VIP layer and the DC/OS UI read exactly these fields.
 */
import type { Resources } from '../resources.ts';
import type { TaskState } from '../task-state.ts';
import type { TaskStatus } from '../task-status.ts';
import type { DiscoveryInfo, Label } from '../scheduler-api.ts';
import { resourcesJson } from './resources-json.ts';

export interface TaskFields {
  id: string;
  name: string;
  frameworkId: string;
  /** Empty for tasks run by the command executor, as Mesos prints it. */
  executorId: string;
  agentId: string;
  state: TaskState;
  resources: Resources;
  role: string;
  statuses: readonly TaskStatus[];
  labels?: readonly Label[];
  discovery?: DiscoveryInfo;
  user?: string;
}

/** `statuses[]` entries carry only these fields in Mesos's JSON. */
function statusJson(s: TaskStatus): Record<string, unknown> {
  const out: Record<string, unknown> = { state: s.state, timestamp: s.timestamp };
  if (s.healthy !== undefined) out.healthy = s.healthy;
  if (s.containerStatus) out.container_status = s.containerStatus;
  return out;
}

export function taskJson(t: TaskFields): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    framework_id: t.frameworkId,
    executor_id: t.executorId,
    slave_id: t.agentId,
    state: t.state,
    resources: resourcesJson(t.resources),
    role: t.role,
    statuses: t.statuses.map(statusJson),
  };
  if (t.user !== undefined) out.user = t.user;
  if (t.labels && t.labels.length > 0) out.labels = t.labels.map((l) => ({ key: l.key, value: l.value }));
  if (t.discovery) out.discovery = t.discovery;
  const latest = t.statuses[t.statuses.length - 1];
  if (latest?.healthy !== undefined) out.healthy = latest.healthy;
  return out;
}
