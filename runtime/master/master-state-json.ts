/**
 * The master's read-only endpoints as Mesos prints them (`src/master/readonly_handler.cpp`): `/master/state`,
 * `/master/state-summary`, `/master/slaves`, `/master/frameworks`, `/master/tasks`, `/master/roles`.
 *
 * Built as text: every task's JSON is cached on its record until it changes, so a state request over 100,000
 * tasks joins cached strings instead of serialising 100,000 objects again.
 */
import { fromMilli, type Range, Resources } from '../mesos/resources.ts';
import { isTerminal, TASK_STATES, type TaskState } from '../mesos/task-state.ts';
import { reservedResourcesJson, resourcesFullJson, resourcesJson, type ResourcesJson } from '../mesos/json/resources-json.ts';
import { taskJson } from '../mesos/json/task-json.ts';
import type { AgentRecord, FrameworkRecord, Master } from './master.ts';
import { BUILD_INFO } from '../mesos/json/build-info.ts';
import type { TaskRecord } from './task-record.ts';

export type Flags = Readonly<Record<string, string>>;

const MASTER_CAPABILITIES = ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'];
const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

function taskBuffer(t: TaskRecord): Buffer {
  return (t.json ??= jsonBuffer(
    taskJson({
      id: t.id,
      name: t.name,
      frameworkId: t.frameworkId,
      executorId: '',
      agentId: t.agentId,
      state: t.state,
      resources: t.resources,
      role: t.role,
      statuses: t.statuses,
      labels: t.labels,
      ...(t.discovery ? { discovery: t.discovery } : {}),
      ...(t.launch.user === undefined ? {} : { user: t.launch.user }),
    }),
  ));
}

const jsonBuffer = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const COMMA = Buffer.from(',');

/**
 * A JSON document assembled from pieces, most of them cached buffers: concatenating buffers once costs a memcpy,
 * where building one big string would copy and re-encode 100 MB several times.
 */
class JsonPieces {
  readonly parts: Buffer[] = [];
  text(s: string): this {
    this.parts.push(Buffer.from(s));
    return this;
  }
  array(items: Iterable<Buffer>): this {
    this.parts.push(OPEN);
    let first = true;
    for (const b of items) {
      if (!first) this.parts.push(COMMA);
      this.parts.push(b);
      first = false;
    }
    this.parts.push(CLOSE);
    return this;
  }
  /** An object's JSON with its closing brace left off, so more fields can follow. */
  openObject(obj: object): this {
    const text = JSON.stringify(obj);
    this.parts.push(Buffer.from(text.slice(0, -1)));
    return this;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function* taskBuffers(tasks: Iterable<TaskRecord>): Iterable<Buffer> {
  for (const t of tasks) yield taskBuffer(t);
}

/** Sums many resources at once (scalars added, ranges merged in one sort) — `plus` one by one is quadratic in ports. */
export function sumResourcesJson(list: Iterable<Resources>): ResourcesJson {
  const scalars = new Map<string, number>([
    ['cpus', 0],
    ['disk', 0],
    ['gpus', 0],
    ['mem', 0],
  ]);
  const ranges = new Map<string, Range[]>();
  for (const r of list)
    for (const e of r.entries) {
      if (e.kind === 'scalar') scalars.set(e.name, (scalars.get(e.name) ?? 0) + e.milli);
      else if (e.kind === 'ranges') {
        let acc = ranges.get(e.name);
        if (!acc) ranges.set(e.name, (acc = []));
        for (const x of e.ranges) acc.push(x);
      }
    }
  const out: ResourcesJson = {};
  for (const [name, milli] of scalars) out[name] = fromMilli(milli);
  for (const [name, rs] of ranges) out[name] = formatMergedRanges(rs);
  return out;
}

function formatMergedRanges(rs: Range[]): string {
  rs.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [b, e] of rs) {
    const last = merged[merged.length - 1];
    if (last && b <= last[1] + 1) last[1] = Math.max(last[1], e);
    else merged.push([b, e]);
  }
  return `[${merged.map(([b, e]) => `${b}-${e}`).join(', ')}]`;
}

function offeredOf(master: Master, ids: Iterable<string>): Resources[] {
  const out: Resources[] = [];
  for (const id of ids) {
    const o = master.offers.get(id);
    if (o) out.push(o.resources);
  }
  return out;
}

function agentObject(master: Master, a: AgentRecord, full: boolean): Record<string, unknown> {
  const total = a.info.resources;
  const offered = offeredOf(master, a.offers);
  const out: Record<string, unknown> = {
    id: a.id,
    hostname: a.info.hostname,
    port: a.info.port,
    attributes: a.info.attributes,
    pid: a.pid,
    registered_time: a.registeredTime,
    ...(a.reregisteredTime === undefined ? {} : { reregistered_time: a.reregisteredTime }),
    resources: resourcesJson(total),
    used_resources: resourcesJson(a.used),
    offered_resources: sumResourcesJson(offered),
    reserved_resources: reservedResourcesJson(total),
    unreserved_resources: resourcesJson(total.unreserved()),
    active: a.active,
    deactivated: !a.active,
    version: a.info.version,
    capabilities: AGENT_CAPABILITIES,
  };
  if (full) {
    out.reserved_resources_full = groupFull(total);
    out.unreserved_resources_full = resourcesFullJson(total.unreserved());
    out.used_resources_full = resourcesFullJson(a.used);
    out.offered_resources_full = offered.flatMap(resourcesFullJson);
  }
  return out;
}

function groupFull(total: Resources): Record<string, object[]> {
  const out: Record<string, object[]> = {};
  for (const e of total.entries) if (e.role !== '*') (out[e.role] ??= []).push(...resourcesFullJson(Resources.of([e])));
  return out;
}

/** An agent's JSON changes only with its used resources, offers or connectivity; cache it on exactly that. */
const agentCache = new WeakMap<AgentRecord, { key: string; used: Resources; buf: Buffer }>();

function agentBuffer(master: Master, a: AgentRecord): Buffer {
  const key = `${a.active}|${a.reregisteredTime ?? ''}|${[...a.offers].join(',')}|${a.info.version}`;
  const hit = agentCache.get(a);
  if (hit && hit.used === a.used && hit.key === key) return hit.buf;
  const buf = jsonBuffer(agentObject(master, a, false));
  agentCache.set(a, { key, used: a.used, buf });
  return buf;
}

/** Agents the master lists in `slaves`: registered ones (connected or not), not unreachable ones. */
function listedAgents(master: Master): AgentRecord[] {
  const out: AgentRecord[] = [];
  for (const a of master.agents.values()) if (!a.unreachable) out.push(a);
  return out;
}

function recoveredAgentsJson(master: Master): object[] {
  return [...master.recoveredAgents.values()].map((a) => ({
    id: a.id,
    hostname: a.hostname,
    attributes: a.attributes,
    resources: a.resources,
  }));
}

/** A framework's used resources change only when its task set does; summing 100,000 tasks each time is waste. */
const usedCache = new WeakMap<FrameworkRecord, { version: number; used: ResourcesJson; list: Resources[] }>();

function frameworkUsed(fw: FrameworkRecord): { used: ResourcesJson; list: Resources[] } {
  const hit = usedCache.get(fw);
  if (hit && hit.version === fw.taskSetVersion) return hit;
  const list: Resources[] = [];
  for (const t of fw.tasks.values()) list.push(t.resources);
  const entry = { version: fw.taskSetVersion, used: sumResourcesJson(list), list };
  usedCache.set(fw, entry);
  return entry;
}

function frameworkSummaryFields(master: Master, fw: FrameworkRecord): Record<string, unknown> {
  const offered = offeredOf(master, fw.offers);
  return {
    id: fw.id,
    name: fw.info.name,
    ...(fw.info.pid === undefined ? {} : { pid: fw.info.pid }),
    used_resources: frameworkUsed(fw).used,
    offered_resources: sumResourcesJson(offered),
    capabilities: fw.info.capabilities ?? [],
    hostname: fw.info.hostname ?? '',
    webui_url: fw.info.webuiUrl ?? '',
    active: fw.active,
    connected: fw.connected,
    recovered: fw.recovered,
    roles: fw.info.roles,
  };
}

/** `FullFrameworkWriter`: the fields, then the task arrays from cached task JSON. */
function frameworkPieces(out: JsonPieces, master: Master, fw: FrameworkRecord): void {
  const summary = frameworkSummaryFields(master, fw);
  const offered = offeredOf(master, fw.offers);
  const resources = fw.offers.size === 0 ? frameworkUsed(fw).used : sumResourcesJson([...frameworkUsed(fw).list, ...offered]);
  const obj = {
    ...summary,
    user: fw.info.user,
    failover_timeout: fw.info.failoverTimeoutSecs ?? 0,
    checkpoint: fw.info.checkpoint ?? false,
    registered_time: fw.registeredTime,
    unregistered_time: fw.unregisteredTime ?? 0,
    ...(fw.info.principal === undefined ? {} : { principal: fw.info.principal }),
    resources,
    ...(fw.reregisteredTime === undefined ? {} : { reregistered_time: fw.reregisteredTime }),
    offers: [...fw.offers].flatMap((id) => {
      const o = master.offers.get(id);
      return o ? [{ id: o.id, framework_id: o.frameworkId, slave_id: o.agentId, resources: resourcesJson(o.resources) }] : [];
    }),
    executors: [],
    ...(fw.info.labels && fw.info.labels.length > 0 ? { labels: fw.info.labels } : {}),
    offer_constraints: {},
  };
  out.openObject(obj).text(',"tasks":').array(taskBuffers(fw.tasks.values()));
  out.text(',"unreachable_tasks":').array(taskBuffers(fw.unreachableTasks.values()));
  out.text(',"completed_tasks":').array(taskBuffers(fw.completedTasks)).text('}');
}

function frameworksPieces(out: JsonPieces, master: Master, list: Iterable<FrameworkRecord>): void {
  out.text('[');
  let first = true;
  for (const fw of list) {
    if (!first) out.text(',');
    frameworkPieces(out, master, fw);
    first = false;
  }
  out.text(']');
}

function leaderInfo(master: Master): Record<string, unknown> {
  return {
    id: master.id,
    pid: master.pid,
    port: master.port,
    hostname: master.hostname,
    address: { hostname: master.hostname, ip: master.ip, port: master.port },
  };
}

function headerFields(master: Master): Record<string, unknown> {
  return {
    ...BUILD_INFO,
    start_time: master.startTime,
    ...(master.electedTime === undefined ? {} : { elected_time: master.electedTime }),
    id: master.id,
    pid: master.pid,
    hostname: master.hostname,
    capabilities: MASTER_CAPABILITIES,
  };
}

export function masterState(master: Master, flags: Flags): Buffer {
  let activated = 0;
  let deactivated = 0;
  let unreachable = 0;
  for (const a of master.agents.values()) {
    if (a.unreachable) unreachable++;
    else if (a.active) activated++;
    else deactivated++;
  }
  const head = {
    ...headerFields(master),
    activated_slaves: activated,
    deactivated_slaves: deactivated,
    unreachable_slaves: unreachable,
    leader: master.pid,
    leader_info: leaderInfo(master),
    ...(master.clusterName === undefined ? {} : { cluster: master.clusterName }),
    flags,
    recovered_slaves: recoveredAgentsJson(master),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
  const out = new JsonPieces().openObject(head);
  out.text(',"slaves":').array(listedAgents(master).map((a) => agentBuffer(master, a)));
  out.text(',"frameworks":');
  frameworksPieces(out, master, master.frameworks.values());
  out.text(',"completed_frameworks":');
  frameworksPieces(out, master, master.completedFrameworks);
  return out.text('}').toBuffer();
}

type StateCounts = Partial<Record<TaskState, number>>;
/** The states Mesos's state-summary counts per agent and framework (it has no DROPPED, GONE* or UNKNOWN counts). */
const SUMMARY_STATES = TASK_STATES.filter(
  (s) => s !== 'TASK_DROPPED' && s !== 'TASK_GONE' && s !== 'TASK_GONE_BY_OPERATOR' && s !== 'TASK_UNKNOWN',
);

/** `,"TASK_STAGING":n,…` for the summary's states, to follow an object's other fields. */
function countsText(c: StateCounts | undefined): string {
  let out = '';
  for (const s of SUMMARY_STATES) out += `,"${s}":${c?.[s] ?? 0}`;
  return out;
}

/** A cached object's JSON without its closing brace, so more fields can follow. */
const withoutClose = (b: Buffer): Buffer => b.subarray(0, b.length - 1);

/**
 * `/master/state-summary`: agents and frameworks with per-state task counts. Agents reuse the JSON cached for
 * `/master/state` (the summary's agent fields are the same), so a render counts tasks and joins buffers.
 */
export function stateSummary(master: Master): Buffer {
  const byAgent = new Map<string, StateCounts>();
  const byFramework = new Map<string, StateCounts>();
  const agentFrameworks = new Map<string, Set<string>>();
  const frameworkAgents = new Map<string, Set<string>>();
  const count = (t: TaskRecord) => {
    let a = byAgent.get(t.agentId);
    if (!a) byAgent.set(t.agentId, (a = {}));
    a[t.state] = (a[t.state] ?? 0) + 1;
    let f = byFramework.get(t.frameworkId);
    if (!f) byFramework.set(t.frameworkId, (f = {}));
    f[t.state] = (f[t.state] ?? 0) + 1;
    if (!isActiveState(t.state)) return;
    let fa = agentFrameworks.get(t.agentId);
    if (!fa) agentFrameworks.set(t.agentId, (fa = new Set()));
    fa.add(t.frameworkId);
    let af = frameworkAgents.get(t.frameworkId);
    if (!af) frameworkAgents.set(t.frameworkId, (af = new Set()));
    af.add(t.agentId);
  };
  for (const fw of [...master.frameworks.values(), ...master.completedFrameworks]) {
    for (const t of fw.tasks.values()) count(t);
    for (const t of fw.unreachableTasks.values()) count(t);
    for (const t of fw.completedTasks) count(t);
  }
  const head = { hostname: master.hostname, ...(master.clusterName === undefined ? {} : { cluster: master.clusterName }) };
  const out = new JsonPieces().openObject(head).text(',"slaves":');
  out.array(
    listedAgents(master).map((a) =>
      Buffer.concat([
        withoutClose(agentBuffer(master, a)),
        Buffer.from(`${countsText(byAgent.get(a.id))},"framework_ids":${JSON.stringify([...(agentFrameworks.get(a.id) ?? [])])}}`),
      ]),
    ),
  );
  out.text(',"frameworks":').array(
    [...master.frameworks.values()].map((fw) =>
      Buffer.from(
        `${JSON.stringify(frameworkSummaryFields(master, fw)).slice(0, -1)}${countsText(byFramework.get(fw.id))},` +
          `"slave_ids":${JSON.stringify([...(frameworkAgents.get(fw.id) ?? [])])}}`,
      ),
    ),
  );
  return out.text('}').toBuffer();
}

/** Tasks that tie an agent and a framework together in `framework_ids` / `slave_ids`: running on the agent now. */
function isActiveState(s: TaskState): boolean {
  return !isTerminal(s) && s !== 'TASK_UNREACHABLE' && s !== 'TASK_UNKNOWN';
}

export function slavesJson(master: Master, agentId?: string): Record<string, unknown> {
  const agents = listedAgents(master).filter((a) => agentId === undefined || a.id === agentId);
  return { slaves: agents.map((a) => agentObject(master, a, true)), recovered_slaves: recoveredAgentsJson(master) };
}

export function frameworksJson(master: Master, frameworkId?: string): Buffer {
  const pick = (fw: FrameworkRecord) => frameworkId === undefined || fw.id === frameworkId;
  const out = new JsonPieces().text('{"frameworks":');
  frameworksPieces(out, master, [...master.frameworks.values()].filter(pick));
  out.text(',"completed_frameworks":');
  frameworksPieces(out, master, master.completedFrameworks.filter(pick));
  return out.text(',"unregistered_frameworks":[]}').toBuffer();
}

export interface TasksQuery {
  limit: number;
  offset: number;
  order: 'asc' | 'des';
  frameworkId?: string;
  taskId?: string;
}

/** `/master/tasks`: every task the master knows (active, unreachable, completed), ordered by launch time. */
export function tasksJson(master: Master, q: TasksQuery): Buffer {
  const out: TaskRecord[] = [];
  for (const fw of [...master.frameworks.values(), ...master.completedFrameworks]) {
    if (q.frameworkId !== undefined && fw.id !== q.frameworkId) continue;
    for (const list of [fw.tasks.values(), fw.unreachableTasks.values(), fw.completedTasks.values()])
      for (const t of list) if (q.taskId === undefined || t.id === q.taskId) out.push(t);
  }
  const start = (t: TaskRecord) => t.statuses[0]?.timestamp ?? 0;
  out.sort((a, b) => (q.order === 'asc' ? start(a) - start(b) : start(b) - start(a)));
  return new JsonPieces().text('{"tasks":').array(taskBuffers(out.slice(q.offset, q.offset + q.limit))).text('}').toBuffer();
}

/**
 * Resources allocated per role, summed over every framework's tasks. Cached until some framework's task set changes
 * (the key is every framework's task-set version): a metrics scrape reads `/master/roles` every few seconds, and
 * summing 100,000 tasks each time blocked the master for hundreds of ms.
 */
const allocatedCache = new WeakMap<Master, { key: string; byRole: Map<string, ResourcesJson> }>();

function allocatedByRole(master: Master): Map<string, ResourcesJson> {
  const key = [...master.frameworks.values()].map((fw) => `${fw.id}:${fw.taskSetVersion}`).join(',');
  const hit = allocatedCache.get(master);
  if (hit && hit.key === key) return hit.byRole;
  const lists = new Map<string, Resources[]>();
  for (const fw of master.frameworks.values())
    for (const t of fw.tasks.values()) {
      let l = lists.get(t.role);
      if (!l) lists.set(t.role, (l = []));
      l.push(t.resources);
    }
  const byRole = new Map([...lists].map(([role, list]) => [role, sumResourcesJson(list)]));
  allocatedCache.set(master, { key, byRole });
  return byRole;
}

export function rolesJson(master: Master): Record<string, unknown> {
  const roles = master.roles();
  const allocated = allocatedByRole(master);
  return {
    roles: [...roles.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, r]) => {
        const q = master.allocator.quota(name);
        const used = allocated.get(name) ?? sumResourcesJson([]);
        return {
          name,
          weight: r.weight,
          frameworks: r.frameworks,
          resources: used,
          allocated: used,
          quota: {
            role: name,
            guarantee: quantitiesJson(q.guarantees),
            limit: quantitiesJson(q.limits),
            consumed: quantitiesJson(master.allocator.quotaConsumed().get(name) ?? new Map()),
          },
        };
      }),
  };
}

function quantitiesJson(q: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of q) out[k] = fromMilli(v);
  return out;
}

export function leaderJson(master: Master): Record<string, unknown> {
  return leaderInfo(master);
}
