/**
 * The Mesos master as a state machine: admits agents, tracks their health (active / inactive / disconnected /
 * unreachable, partition-aware), subscribes frameworks, turns the allocator's decisions into offers, launches and
 * kills tasks, and keeps every task's status. Durable facts (admitted agents, frameworks, weights, quotas) go
 * through the registrar; everything else is rebuilt from agents re-registering and frameworks reconciling.
 *
 * Agents and frameworks run in the same process and talk to it through `AgentEndpoint` / `SchedulerEvents`;
 * every outbound message goes through the mailbox, so no handler re-enters the master mid-change.
 */
import { randomUUID } from 'node:crypto';
import { HierarchicalAllocator, type Offer, type Quota } from '../allocator/hierarchical-allocator.ts';
import { AllocationLoop } from '../allocator/allocation-loop.ts';
import {
  addQuantities,
  formatQuantities,
  parseQuantities,
  type Quantities,
  Resources,
  subtractQuantities,
} from '../mesos/resources.ts';
import { isTerminal, type TaskState } from '../mesos/task-state.ts';
import { beginTaskLaunchSpan, taskLaunchSpanState } from '../telemetry/task-launch-spans.ts';
import type { TaskStatus, TaskStatusReason } from '../mesos/task-status.ts';
import type { AgentEndpoint, AgentInfo, AgentSession, RunningTaskReport } from '../mesos/agent-api.ts';
import { Mailbox } from './mailbox.ts';
import { MasterCounters } from './master-counters.ts';
import type { Registrar, Registry } from './registrar.ts';
import type {
  Filters,
  FrameworkInfo,
  OfferView,
  SchedulerConnection,
  SchedulerEvents,
  TaskLaunch,
} from '../mesos/scheduler-api.ts';
import { TaskRecord } from './task-record.ts';
import { FrameworkMetrics } from './framework-metrics.ts';
import type { Time } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { PRIORITY } from '../units/unit-journal.ts';
import type { UnitLog } from '../units/unit-log.ts';


export interface MasterOptions {
  hostname: string;
  ip: string;
  port: number;
  registrar: Registrar;
  /** Master id; a fresh UUID per run by default, as Mesos does. */
  id?: string;
  clusterName?: string;
  /** Mesos `--agent_ping_timeout` (15 s) and `--max_agent_ping_timeouts` (5). */
  agentPingTimeoutMs?: number;
  maxAgentPingTimeouts?: number;
  /** Mesos `--agent_reregister_timeout` (10 min): recovered agents not back by then are marked unreachable. */
  agentReregisterTimeoutMs?: number;
  /** Mesos `--registry_max_agent_age` (2 weeks): unreachable agents are forgotten (their tasks gone) after this. */
  registryMaxAgentAgeMs?: number;
  /** Mesos `--registry_gc_interval` (15 min): how often unreachable agents are checked against that age. */
  registryGcIntervalMs?: number;
  /** Mesos `--max_completed_tasks_per_framework` (1000) and `--max_completed_frameworks` (50). */
  maxCompletedTasksPerFramework?: number;
  maxCompletedFrameworks?: number;
  allocationIntervalMs?: number;
  random?: () => number;
  /** Timers and clocks (timestamps are its wall clock); default systemTime. */
  time?: Time;
  /** Messages that have no caller to go to (a throwing handler). */
  /** The unit's journal (silent when omitted). */
  log?: UnitLog;
}

export type AgentHealth = 'active' | 'inactive' | 'disconnected' | 'unreachable';

export interface AgentRecord {
  readonly id: string;
  info: AgentInfo & { id: string };
  readonly pid: string;
  registeredTime: number;
  reregisteredTime?: number;
  connected: boolean;
  active: boolean;
  unreachable: boolean;
  missedPings: number;
  endpoint: AgentEndpoint | undefined;
  /** Non-terminal tasks on the agent, by task id. */
  readonly tasks: Map<string, TaskRecord>;
  readonly offers: Set<string>;
  used: Resources;
}

export interface FrameworkRecord {
  readonly id: string;
  info: FrameworkInfo & { id: string };
  registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime?: number;
  active: boolean;
  connected: boolean;
  /** Known from the registry but not subscribed since this master started. */
  recovered: boolean;
  events: SchedulerEvents | undefined;
  readonly tasks: Map<string, TaskRecord>;
  readonly unreachableTasks: Map<string, TaskRecord>;
  readonly completedTasks: TaskRecord[];
  readonly offers: Set<string>;
  failoverTimer?: unknown;
  /** Bumped whenever `tasks` gains or loses a task, so renderers can cache what they derive from it. */
  taskSetVersion: number;
  readonly metrics: FrameworkMetrics;
  readonly suppressedRoles: Set<string>;
}

export interface OfferRecord {
  readonly id: string;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

const DEFAULT_PING_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_PING_TIMEOUTS = 5;
const DEFAULT_REREGISTER_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_AGENT_AGE_MS = 14 * 86_400_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const PARTITION_AWARE = 'PARTITION_AWARE';

export class MasterError extends Error {}

export class Master {
  readonly id: string;
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  readonly pid: string;
  readonly clusterName: string | undefined;
  readonly allocator: HierarchicalAllocator;
  readonly counters = new MasterCounters();
  readonly agents = new Map<string, AgentRecord>();
  /** Admitted agents from the registry that have not re-registered with this master yet. */
  readonly recoveredAgents = new Map<string, Registry['agents'][number]>();
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly offers = new Map<string, OfferRecord>();
  /** Epoch seconds. */
  startTime = 0;
  electedTime: number | undefined;

  private readonly registrar: Registrar;
  private readonly loop: AllocationLoop;
  private readonly mailbox: Mailbox;
  private readonly timers: Time;
  private readonly now: () => number;
  private readonly log: UnitLog;
  private readonly pingTimeoutMs: number;
  private readonly maxPingTimeouts: number;
  private readonly reregisterTimeoutMs: number;
  private readonly maxAgentAgeMs: number;
  private readonly maxCompletedTasks: number;
  private readonly maxCompletedFrameworks: number;
  private readonly changeListeners = new Set<() => void>();
  private stateVersion = 0;
  private nextAgent = 0;
  private nextFramework = 0;
  private nextOffer = 0;
  private stopPings: (() => void) | undefined;
  private stopGc: (() => void) | undefined;
  private readonly gcIntervalMs: number;
  private reregisterTimer: unknown;
  private running = false;
  private readonly totalQ: Quantities = new Map();
  private readonly usedQ: Quantities = new Map();
  /** Registered (admitted, not unreachable) agents that are connected / active. */
  private connectedCount = 0;
  private activeCount = 0;

  constructor(options: MasterOptions) {
    this.id = options.id ?? randomUUID();
    this.hostname = options.hostname;
    this.ip = options.ip;
    this.port = options.port;
    this.pid = `master@${options.ip}:${options.port}`;
    this.clusterName = options.clusterName;
    this.registrar = options.registrar;
    this.timers = options.time ?? systemTime;
    this.now = () => this.timers.wallMs();
    // Silent unless given the unit's journal: nothing inside runtime/ prints.
    this.log = options.log ?? (() => undefined);
    this.pingTimeoutMs = options.agentPingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    this.maxPingTimeouts = options.maxAgentPingTimeouts ?? DEFAULT_MAX_PING_TIMEOUTS;
    this.reregisterTimeoutMs = options.agentReregisterTimeoutMs ?? DEFAULT_REREGISTER_TIMEOUT_MS;
    this.maxAgentAgeMs = options.registryMaxAgentAgeMs ?? DEFAULT_MAX_AGENT_AGE_MS;
    this.gcIntervalMs = options.registryGcIntervalMs ?? 15 * 60_000;
    this.maxCompletedTasks = options.maxCompletedTasksPerFramework ?? 1000;
    this.maxCompletedFrameworks = options.maxCompletedFrameworks ?? 50;
    this.allocator = new HierarchicalAllocator({
      clock: this.timers,
      random: options.random ?? Math.random,
      ...(options.allocationIntervalMs === undefined ? {} : { allocationIntervalMs: options.allocationIntervalMs }),
    });
    this.mailbox = new Mailbox((err) => this.log(`a message handler failed: ${errorText(err)}`, PRIORITY.err));
    this.loop = new AllocationLoop(this.allocator, (offers) => this.sendOffers(offers), { time: this.timers });
  }

  get uptimeSecs(): number {
    return this.running ? this.now() / 1000 - this.startTime : 0;
  }
  get isRunning(): boolean {
    return this.running;
  }
  get pendingMessages(): number {
    return this.mailbox.pending('message');
  }
  get pendingDispatches(): number {
    return this.mailbox.pending('dispatch');
  }
  get pendingHttpRequests(): number {
    return this.mailbox.pending('http_request');
  }

  /**
   * Serves an HTTP request on the master's turn, after the events queued before it; rejects with MasterError when
   * the master stops first. `serve` reads the master between its changes, never in the middle of one.
   */
  serveHttp(serve: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const stopped = () => reject(new MasterError('master is not running'));
      if (!this.running) return stopped();
      const run = () => {
        try {
          serve();
          resolve();
        } catch (err) {
          reject(err);
        }
      };
      this.mailbox.post(run, 'http_request', stopped);
    });
  }

  /** A timer of the master fired: its work waits its turn in the queue, as Mesos's delay() dispatches it. */
  private dispatch(work: () => void): void {
    this.mailbox.post(work, 'dispatch');
  }
  get totalQuantities(): ReadonlyMap<string, number> {
    return this.totalQ;
  }
  get usedQuantities(): ReadonlyMap<string, number> {
    return this.usedQ;
  }
  get connectedAgents(): number {
    return this.connectedCount;
  }
  get activeAgents(): number {
    return this.activeCount;
  }
  get registeredAgents(): number {
    let n = 0;
    for (const a of this.agents.values()) if (!a.unreachable) n++;
    return n;
  }

  /**
   * Bumped by every change the read endpoints (`/master/state`, `/master/state-summary`) can show: tasks, agents,
   * frameworks, offers, connectivity. Renderers cache by it, so a read after a change always sees the change.
   */
  get version(): number {
    return this.stateVersion;
  }

  /** Something a read endpoint shows changed (without being a task or agent change the listeners need). */
  private touched(): void {
    this.stateVersion++;
  }

  /**
   * Calls `listener` (synchronously, so keep it cheap) whenever a task changes state or an agent comes or goes:
   * what Mesos-DNS and the VIP layer need to follow the cluster within a second. Returns the unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    this.touched();
    for (const l of this.changeListeners) {
      try {
        l();
      } catch (err) {
        this.log(`a change listener failed: ${errorText(err)}`, PRIORITY.err);
      }
    }
  }

  /** Recovers the registry and starts allocating; the master is elected (the only one) once this resolves. */
  async start(): Promise<void> {
    const registry = await this.registrar.recover();
    this.startTime = this.now() / 1000;
    for (const agent of registry.agents) this.recoveredAgents.set(agent.id, agent);
    for (const [role, weight] of Object.entries(registry.weights)) this.allocator.updateWeight(role, weight);
    for (const [role, q] of Object.entries(registry.quotas))
      this.allocator.updateQuota(role, { guarantees: parseQuantities(q.guarantees), limits: parseQuantities(q.limits) });
    for (const fw of registry.frameworks) {
      const record = this.newFramework({ id: fw.id, name: fw.name, roles: fw.roles, user: '' }, undefined);
      record.recovered = true;
      record.active = false;
      record.connected = false;
    }
    await this.registrar.apply((r) => {
      if (r.masterId === this.id) return false;
      r.masterId = this.id;
      return true;
    });
    this.running = true;
    this.electedTime = this.now() / 1000;
    this.touched();
    this.loop.start();
    this.stopPings = this.timers.every(this.pingTimeoutMs, () => this.dispatch(() => this.pingAgents()));
    if (this.recoveredAgents.size > 0)
      this.reregisterTimer = this.timers.setTimeout(() => this.dispatch(() => this.expireRecoveredAgents()), this.reregisterTimeoutMs);
    this.gcUnreachable(registry);
    this.stopGc = this.timers.every(this.gcIntervalMs, () => this.dispatch(() => this.gcUnreachable()));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.touched();
    this.loop.stop();
    this.stopPings?.();
    this.stopGc?.();
    if (this.reregisterTimer !== undefined) this.timers.clearTimeout(this.reregisterTimer);
    for (const fw of this.frameworks.values()) if (fw.failoverTimer !== undefined) this.timers.clearTimeout(fw.failoverTimer);
    this.mailbox.close();
    await this.registrar.apply(() => false);
  }

  // ---- agents ---------------------------------------------------------------------------------------------------

  /**
   * An agent (re-)registers. With an id it is a re-registration: its running tasks are reported and reconciled.
   * Resolves once the registry holds the agent.
   */
  async registerAgent(info: AgentInfo, endpoint: AgentEndpoint, tasks: RunningTaskReport[] = []): Promise<AgentSession> {
    this.requireRunning();
    const registry = this.registrar.view();
    if (info.id !== undefined && registry.gone.some((g) => g.id === info.id)) {
      this.mailbox.post(() => endpoint.shutdown(`agent ${info.id} has been marked gone`));
      throw new MasterError(`agent ${info.id} has been marked gone`);
    }
    const known = info.id !== undefined && (this.agents.has(info.id) || registry.agents.some((a) => a.id === info.id) ||
      registry.unreachable.some((u) => u.id === info.id));
    if (info.id !== undefined && known) return this.reregisterAgent({ ...info, id: info.id }, endpoint, tasks);
    // An id the registry no longer holds (forgotten after being unreachable too long) is admitted afresh, as Mesos
    // lets such agents back in.
    const id = info.id ?? `${this.id}-S${this.nextAgent++}`;
    this.counters.inc('master/messages_register_slave');
    const full = { ...info, id };
    await this.registrar.apply((r) => {
      r.agents.push({ id, hostname: info.hostname, resources: info.resources.toString(), attributes: info.attributes });
      return true;
    });
    const agent = this.admit(full, endpoint);
    this.counters.inc('master/slave_registrations');
    for (const t of tasks) this.adoptTask(agent, t);
    this.allocator.addAgent(id, info.resources, this.usedByFrameworkRole(agent));
    this.loop.request([id]);
    return this.sessionFor(agent);
  }

  private async reregisterAgent(
    info: AgentInfo & { id: string },
    endpoint: AgentEndpoint,
    reported: RunningTaskReport[],
  ): Promise<AgentSession> {
    this.counters.inc('master/messages_reregister_slave');
    const existing = this.agents.get(info.id);
    const wasUnreachable = existing?.unreachable ?? this.registrar.view().unreachable.some((u) => u.id === info.id);
    await this.registrar.apply((r) => {
      let changed = false;
      const i = r.unreachable.findIndex((u) => u.id === info.id);
      if (i >= 0) {
        r.unreachable.splice(i, 1);
        changed = true;
      }
      const admitted = r.agents.find((a) => a.id === info.id);
      const entry = { id: info.id, hostname: info.hostname, resources: info.resources.toString(), attributes: info.attributes };
      if (!admitted) {
        r.agents.push(entry);
        changed = true;
      } else if (admitted.resources !== entry.resources || admitted.hostname !== entry.hostname) {
        Object.assign(admitted, entry);
        changed = true;
      }
      return changed;
    });
    if (wasUnreachable) this.counters.inc('master/slave_unreachable_canceled');
    this.recoveredAgents.delete(info.id);

    let agent: AgentRecord;
    if (existing && !existing.unreachable) {
      // A known, registered agent reconnecting (its process restarted): keep its tasks, reconcile below.
      agent = existing;
      if (this.allocator.hasAgent(agent.id)) this.allocator.removeAgent(agent.id);
      this.rescindAgentOffers(agent);
      this.setConnectivity(agent, true, true);
      agent.info = info;
      agent.endpoint = endpoint;
      agent.missedPings = 0;
    } else {
      if (existing) this.agents.delete(existing.id);
      agent = this.admit(info, endpoint);
      // Tasks marked unreachable while the agent was away come back under it.
      if (existing)
        for (const t of existing.tasks.values()) {
          agent.tasks.set(t.id, t);
          agent.used = agent.used.plus(t.resources);
          addQuantities(this.usedQ, t.resources.quantities());
        }
    }
    agent.reregisteredTime = this.now() / 1000;
    this.counters.inc('master/slave_reregistrations');

    const reportedIds = new Set<string>();
    for (const t of reported) {
      reportedIds.add(t.launch.taskId);
      this.adoptTask(agent, t);
    }
    // Tasks the master had on this agent that the agent no longer runs are gone.
    for (const task of [...agent.tasks.values()]) {
      if (reportedIds.has(task.id)) continue;
      const fw = this.frameworks.get(task.frameworkId);
      const gone: TaskState = fw && isPartitionAware(fw) ? 'TASK_GONE' : 'TASK_LOST';
      this.masterUpdate(task, gone, 'REASON_SLAVE_RESTARTED', 'Task is not running on the re-registered agent');
    }
    this.allocator.addAgent(agent.id, info.resources, this.usedByFrameworkRole(agent));
    this.loop.request([agent.id]);
    this.changed();
    return this.sessionFor(agent);
  }

  private admit(info: AgentInfo & { id: string }, endpoint: AgentEndpoint): AgentRecord {
    const agent: AgentRecord = {
      id: info.id,
      info,
      pid: `slave(1)@${info.ip}:${info.port}`,
      registeredTime: this.now() / 1000,
      connected: true,
      active: true,
      unreachable: false,
      missedPings: 0,
      endpoint,
      tasks: new Map(),
      offers: new Set(),
      used: Resources.EMPTY,
    };
    this.agents.set(info.id, agent);
    this.changed();
    addQuantities(this.totalQ, info.resources.quantities());
    this.connectedCount++;
    this.activeCount++;
    return agent;
  }

  /** A task an agent reports (on re-registration) becomes known to the master again. */
  private adoptTask(agent: AgentRecord, report: RunningTaskReport): void {
    const fw = this.frameworks.get(report.frameworkId);
    if (!fw) {
      // The framework was torn down (or never known): the agent must not keep its tasks.
      this.mailbox.post(() => agent.endpoint?.shutdownFramework(report.frameworkId));
      return;
    }
    const id = report.launch.taskId;
    let task = agent.tasks.get(id) ?? fw.unreachableTasks.get(id);
    if (!task) {
      task = new TaskRecord(id, fw.id, agent.id, report.role, report.launch);
      this.countTask(fw, undefined, 'TASK_STAGING');
      task.apply({ ...report.latest, agentId: agent.id });
      this.countTask(fw, 'TASK_STAGING', task.state);
      this.attachTask(fw, agent, task);
      return;
    }
    this.touched();
    fw.unreachableTasks.delete(id);
    fw.tasks.set(id, task);
    fw.taskSetVersion++;
    agent.tasks.set(id, task);
    if (task.state !== report.latest.state) {
      this.countTask(fw, task.state, report.latest.state);
      task.apply({ ...report.latest, agentId: agent.id });
      this.forward(fw, task.latest!);
    }
    if (task.killPending) {
      task.killPending = false;
      this.mailbox.post(() => agent.endpoint?.killTask(fw.id, id));
    }
  }

  private countTask(
    fw: FrameworkRecord | undefined,
    from: TaskState | undefined,
    to: TaskState,
    source?: TaskStatus['source'],
    reason?: TaskStatusReason,
  ): void {
    this.counters.taskTransition(from, to, source, reason);
    fw?.metrics.taskTransition(from, to);
  }

  private attachTask(fw: FrameworkRecord, agent: AgentRecord, task: TaskRecord): void {
    this.touched();
    fw.tasks.set(task.id, task);
    fw.taskSetVersion++;
    agent.tasks.set(task.id, task);
    agent.used = agent.used.plus(task.resources);
    addQuantities(this.usedQ, task.resources.quantities());
  }

  private usedByFrameworkRole(agent: AgentRecord): [string, string, Resources][] {
    const out = new Map<string, [string, string, Resources]>();
    for (const t of agent.tasks.values()) {
      const k = `${t.frameworkId}\0${t.role}`;
      const prev = out.get(k);
      out.set(k, [t.frameworkId, t.role, prev ? prev[2].plus(t.resources) : t.resources]);
    }
    return [...out.values()];
  }

  private sessionFor(agent: AgentRecord): AgentSession {
    const endpoint = agent.endpoint;
    // A session belongs to one registration: after the agent re-registers, the old one is silently ignored.
    const current = () => this.running && agent.endpoint === endpoint && this.agents.get(agent.id) === agent;
    return {
      agentId: agent.id,
      statusUpdate: (frameworkId, status) => {
        if (current()) this.statusUpdate(agent, frameworkId, status);
        else this.counters.inc('master/dropped_messages');
      },
      executorMessage: (frameworkId, executorId, data) => {
        if (current()) this.executorToFramework(agent, frameworkId, executorId, data);
        else this.counters.inc('master/dropped_messages');
      },
      disconnect: () => {
        if (current()) this.agentDisconnected(agent);
      },
    };
  }

  /** The agent's connection closed: it stays registered, gets no offers, and the ping timeouts decide the rest. */
  private agentDisconnected(agent: AgentRecord): void {
    this.counters.inc('master/messages_unregister_slave');
    if (agent.unreachable) return;
    this.setConnectivity(agent, false, false);
    agent.endpoint = undefined;
    if (this.allocator.hasAgent(agent.id)) this.allocator.deactivateAgent(agent.id);
    this.rescindAgentOffers(agent);
  }

  private setConnectivity(agent: AgentRecord, connected: boolean, active: boolean): void {
    this.touched();
    if (!agent.unreachable) {
      this.connectedCount += Number(connected) - Number(agent.connected);
      this.activeCount += Number(active) - Number(agent.active);
    }
    agent.connected = connected;
    agent.active = active;
  }

  /** One ping round: an agent that misses `maxAgentPingTimeouts` pings in a row is marked unreachable. */
  pingAgents(): void {
    for (const agent of [...this.agents.values()]) {
      if (agent.unreachable) continue;
      let answered = false;
      try {
        answered = agent.endpoint?.ping() ?? false;
      } catch {
        answered = false;
      }
      if (answered) {
        agent.missedPings = 0;
        continue;
      }
      agent.missedPings++;
      if (agent.missedPings >= this.maxPingTimeouts) void this.markUnreachable(agent, 'health check timed out');
    }
  }

  /** Partition-aware removal: tasks become TASK_UNREACHABLE (TASK_LOST for frameworks that are not). */
  async markUnreachable(agent: AgentRecord, why: string): Promise<void> {
    if (agent.unreachable) return;
    this.counters.inc('master/slave_unreachable_scheduled');
    this.setConnectivity(agent, false, false);
    agent.unreachable = true;
    const timestamp = this.now() / 1000;
    this.rescindAgentOffers(agent);
    if (this.allocator.hasAgent(agent.id)) this.allocator.removeAgent(agent.id);
    subtractQuantities(this.totalQ, agent.info.resources.quantities());
    subtractQuantities(this.usedQ, agent.used.quantities());
    agent.used = Resources.EMPTY;
    for (const task of [...agent.tasks.values()]) {
      const fw = this.frameworks.get(task.frameworkId);
      const state: TaskState = fw && isPartitionAware(fw) ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      this.masterUpdate(task, state, 'REASON_SLAVE_REMOVED', `Agent ${agent.info.hostname} is unreachable: ${why}`, false);
    }
    this.counters.inc('master/slave_removals');
    this.counters.inc('master/slave_removals/reason_unhealthy');
    this.changed();
    await this.registrar.apply((r) => {
      if (r.unreachable.some((u) => u.id === agent.id)) return false;
      r.agents = r.agents.filter((a) => a.id !== agent.id);
      r.unreachable.push({ id: agent.id, timestamp });
      return true;
    });
    this.counters.inc('master/slave_unreachable_completed');
    this.log(`agent ${agent.id} (${agent.info.hostname}) marked unreachable: ${why}`, PRIORITY.warning);
  }

  private expireRecoveredAgents(): void {
    for (const [id, entry] of [...this.recoveredAgents]) {
      this.recoveredAgents.delete(id);
      this.touched();
      this.counters.inc('master/recovery_slave_removals');
      void this.registrar.apply((r) => {
        r.agents = r.agents.filter((a) => a.id !== id);
        if (!r.unreachable.some((u) => u.id === id)) r.unreachable.push({ id, timestamp: this.now() / 1000 });
        return true;
      });
      this.log(`recovered agent ${id} (${entry.hostname}) did not re-register in time; marked unreachable`, PRIORITY.warning);
    }
  }

  /** Forgets unreachable agents older than `registryMaxAgentAge`; their unreachable tasks become TASK_GONE. */
  gcUnreachable(registry: Readonly<Registry> = this.registrar.view()): void {
    const cutoff = (this.now() - this.maxAgentAgeMs) / 1000;
    const old = registry.unreachable.filter((u) => u.timestamp < cutoff).map((u) => u.id);
    if (old.length === 0) return;
    const drop = new Set(old);
    for (const id of old) {
      const agent = this.agents.get(id);
      if (!agent) continue;
      for (const task of [...agent.tasks.values()])
        this.masterUpdate(task, 'TASK_GONE', 'REASON_SLAVE_REMOVED', 'Agent was unreachable for too long');
      this.agents.delete(id);
      this.touched();
    }
    void this.registrar.apply((r) => {
      r.unreachable = r.unreachable.filter((u) => !drop.has(u.id));
      return true;
    });
  }

  // ---- frameworks -----------------------------------------------------------------------------------------------

  /** Subscribes (or re-subscribes, with `info.id`) a framework. */
  async subscribe(info: FrameworkInfo, events: SchedulerEvents): Promise<SchedulerConnection> {
    this.requireRunning();
    if (info.roles.length === 0) throw new MasterError('a framework needs at least one role');
    if (info.id !== undefined && this.completedFrameworks.some((f) => f.id === info.id))
      throw new MasterError(`framework ${info.id} has been removed`);
    const known = info.id === undefined ? undefined : this.frameworks.get(info.id);
    const id = known?.id ?? info.id ?? `${this.id}-${String(this.nextFramework++).padStart(4, '0')}`;
    // Durable first: a framework hears SUBSCRIBED (and gets offers) only once the registry holds it.
    await this.registrar.apply((r) => {
      const entry = { id, name: info.name, roles: [...info.roles] };
      const i = r.frameworks.findIndex((f) => f.id === id);
      if (i >= 0 && JSON.stringify(r.frameworks[i]) === JSON.stringify(entry)) return false;
      if (i >= 0) r.frameworks[i] = entry;
      else r.frameworks.push(entry);
      return true;
    });
    this.touched();
    let fw = this.frameworks.get(id);
    if (fw) {
      this.counters.inc('master/messages_reregister_framework');
      if (fw.failoverTimer !== undefined) this.timers.clearTimeout(fw.failoverTimer);
      fw.failoverTimer = undefined;
      const previous = fw.events;
      fw.events = events;
      if (previous && previous !== events) this.mailbox.post(() => previous.error('Framework failed over'));
      fw.info = { ...info, id };
      fw.reregisteredTime = this.now() / 1000;
      fw.connected = true;
      fw.active = true;
      if (fw.recovered || !this.allocator.hasFramework(id)) this.addToAllocator(fw);
      else this.allocator.activateFramework(id);
      fw.recovered = false;
    } else {
      this.counters.inc('master/messages_register_framework');
      fw = this.newFramework({ ...info, id }, events);
      this.addToAllocator(fw);
    }
    const record = fw;
    record.metrics.call('subscribe');
    record.metrics.event('subscribed');
    this.mailbox.post(() => events.subscribed(record.id));
    this.loop.request();
    return this.connectionFor(record, events);
  }

  private newFramework(info: FrameworkInfo & { id: string }, events: SchedulerEvents | undefined): FrameworkRecord {
    const fw: FrameworkRecord = {
      id: info.id,
      info,
      registeredTime: this.now() / 1000,
      active: true,
      connected: true,
      recovered: false,
      events,
      tasks: new Map(),
      unreachableTasks: new Map(),
      completedTasks: [],
      offers: new Set(),
      taskSetVersion: 0,
      metrics: new FrameworkMetrics(),
      suppressedRoles: new Set(),
    };
    this.frameworks.set(info.id, fw);
    return fw;
  }

  private addToAllocator(fw: FrameworkRecord): void {
    if (this.allocator.hasFramework(fw.id)) this.allocator.removeFramework(fw.id);
    this.allocator.addFramework(fw.id, fw.info.roles, { capabilities: fw.info.capabilities ?? [] });
    // Resources its tasks already use (it re-subscribed after agents re-registered with them) stay allocated to it.
    for (const task of fw.tasks.values()) {
      const agent = this.agents.get(task.agentId);
      if (!agent || agent.unreachable || !this.allocator.hasAgent(agent.id)) continue;
      this.allocator.removeAgent(agent.id);
      this.allocator.addAgent(agent.id, agent.info.resources, this.usedByFrameworkRole(agent));
      if (!agent.active) this.allocator.deactivateAgent(agent.id);
    }
  }

  private connectionFor(fw: FrameworkRecord, events: SchedulerEvents): SchedulerConnection {
    const current = () => this.running && fw.events === events && this.frameworks.get(fw.id) === fw;
    const guard =
      <A extends unknown[]>(call: (...args: A) => void) =>
      (...args: A): void => {
        if (current()) call(...args);
        else this.counters.inc('master/dropped_messages');
      };
    return {
      frameworkId: fw.id,
      accept: guard((offerIds: string[], launches: TaskLaunch[], filters?: Filters) => {
        fw.metrics.call('accept');
        this.accept(fw, offerIds, launches, filters);
      }),
      decline: guard((offerIds: string[], filters?: Filters) => {
        fw.metrics.call('decline');
        this.decline(fw, offerIds, filters);
      }),
      kill: guard((taskId: string, agentId?: string, gracePeriodMs?: number) => {
        fw.metrics.call('kill');
        this.kill(fw, taskId, agentId, gracePeriodMs);
      }),
      reconcile: guard((tasks: { taskId: string; agentId?: string }[]) => {
        fw.metrics.call('reconcile');
        this.reconcile(fw, tasks);
      }),
      revive: guard((roles?: string[]) => {
        fw.metrics.call('revive');
        this.counters.inc('master/messages_revive_offers');
        this.allocator.revive(fw.id, roles);
        for (const r of roles ?? fw.info.roles) fw.suppressedRoles.delete(r);
        this.loop.request();
      }),
      suppress: guard((roles?: string[]) => {
        fw.metrics.call('suppress');
        this.counters.inc('master/messages_suppress_offers');
        this.allocator.suppress(fw.id, roles);
        for (const r of roles ?? fw.info.roles) fw.suppressedRoles.add(r);
      }),
      message: guard((agentId: string, executorId: string, data: Uint8Array) => {
        fw.metrics.call('message');
        this.frameworkToExecutor(fw, agentId, executorId, data);
      }),
      teardown: guard(() => {
        fw.metrics.call('teardown');
        this.counters.inc('master/messages_unregister_framework');
        void this.removeFramework(fw);
      }),
      disconnect: guard(() => this.frameworkDisconnected(fw)),
    };
  }

  private frameworkDisconnected(fw: FrameworkRecord): void {
    this.touched();
    this.counters.inc('master/messages_deactivate_framework');
    fw.connected = false;
    fw.active = false;
    fw.events = undefined;
    fw.unregisteredTime = this.now() / 1000;
    this.rescindFrameworkOffers(fw);
    if (this.allocator.hasFramework(fw.id)) this.allocator.deactivateFramework(fw.id);
    const timeoutMs = Math.min((fw.info.failoverTimeoutSecs ?? 0) * 1000, MAX_TIMER_MS);
    const failedOver = () => {
      fw.failoverTimer = undefined;
      if (!fw.connected && this.frameworks.get(fw.id) === fw) void this.removeFramework(fw);
    };
    fw.failoverTimer = this.timers.setTimeout(() => this.dispatch(failedOver), timeoutMs);
  }

  /** Tears a framework down: its tasks are killed, its offers rescinded, and it moves to the completed list. */
  private async removeFramework(fw: FrameworkRecord): Promise<void> {
    this.touched();
    this.rescindFrameworkOffers(fw);
    const agentsWithTasks = new Set<string>();
    for (const task of [...fw.tasks.values(), ...fw.unreachableTasks.values()]) {
      agentsWithTasks.add(task.agentId);
      this.masterUpdate(task, 'TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', 'Framework removed', false);
    }
    for (const agentId of agentsWithTasks) {
      const endpoint = this.agents.get(agentId)?.endpoint;
      if (endpoint) this.mailbox.post(() => endpoint.shutdownFramework(fw.id));
    }
    if (this.allocator.hasFramework(fw.id)) this.allocator.removeFramework(fw.id);
    if (fw.failoverTimer !== undefined) this.timers.clearTimeout(fw.failoverTimer);
    fw.active = fw.connected = false;
    fw.unregisteredTime = this.now() / 1000;
    const events = fw.events;
    fw.events = undefined;
    if (events) {
      fw.metrics.event('error');
      this.mailbox.post(() => events.error('Framework has been removed'));
    }
    this.frameworks.delete(fw.id);
    this.completedFrameworks.push(fw);
    if (this.completedFrameworks.length > this.maxCompletedFrameworks) this.completedFrameworks.shift();
    await this.registrar.apply((r) => {
      const before = r.frameworks.length;
      r.frameworks = r.frameworks.filter((f) => f.id !== fw.id);
      return r.frameworks.length !== before;
    });
  }

  // ---- offers ---------------------------------------------------------------------------------------------------

  private sendOffers(offers: Offer[]): void {
    const byFramework = new Map<string, OfferView[]>();
    for (const o of offers) {
      const fw = this.frameworks.get(o.framework);
      const agent = this.agents.get(o.agent);
      if (!fw?.events || !agent) {
        this.allocator.recover(o.framework, o.agent, o.role, o.resources);
        continue;
      }
      const id = `${this.id}-O${this.nextOffer++}`;
      const record: OfferRecord = { id, frameworkId: fw.id, agentId: agent.id, role: o.role, resources: o.resources };
      this.offers.set(id, record);
      this.touched();
      fw.offers.add(id);
      agent.offers.add(id);
      const view: OfferView = {
        id,
        frameworkId: fw.id,
        agentId: agent.id,
        hostname: agent.info.hostname,
        ip: agent.info.ip,
        role: o.role,
        resources: o.resources,
        attributes: agent.info.attributes,
      };
      let list = byFramework.get(fw.id);
      if (!list) byFramework.set(fw.id, (list = []));
      list.push(view);
    }
    for (const [fwId, views] of byFramework) {
      const fw = this.frameworks.get(fwId);
      const events = fw?.events;
      if (!fw || !events) continue;
      fw.metrics.offer('sent', views.length);
      fw.metrics.event('offers');
      this.mailbox.post(() => events.offers(views));
    }
  }

  private takeOffer(fw: FrameworkRecord, offerId: string): OfferRecord | undefined {
    const offer = this.offers.get(offerId);
    if (!offer || offer.frameworkId !== fw.id) return undefined;
    this.dropOffer(offer);
    return offer;
  }

  private dropOffer(offer: OfferRecord): void {
    this.touched();
    this.offers.delete(offer.id);
    this.frameworks.get(offer.frameworkId)?.offers.delete(offer.id);
    this.agents.get(offer.agentId)?.offers.delete(offer.id);
  }

  private rescind(offer: OfferRecord): void {
    this.dropOffer(offer);
    this.allocator.recover(offer.frameworkId, offer.agentId, offer.role, offer.resources);
    const fw = this.frameworks.get(offer.frameworkId);
    const events = fw?.events;
    if (!fw || !events) return;
    fw.metrics.offer('rescinded');
    fw.metrics.event('rescind');
    this.mailbox.post(() => events.rescind(offer.id));
  }

  private rescindAgentOffers(agent: AgentRecord): void {
    for (const id of [...agent.offers]) {
      const offer = this.offers.get(id);
      if (offer) this.rescind(offer);
    }
  }

  private rescindFrameworkOffers(fw: FrameworkRecord): void {
    for (const id of [...fw.offers]) {
      const offer = this.offers.get(id);
      if (offer) this.rescind(offer);
    }
  }

  private decline(fw: FrameworkRecord, offerIds: string[], filters?: Filters): void {
    this.counters.inc('master/messages_decline_offers');
    for (const id of offerIds) {
      const offer = this.takeOffer(fw, id);
      if (offer) fw.metrics.offer('declined');
      if (offer)
        this.allocator.recover(fw.id, offer.agentId, offer.role, offer.resources, filters?.refuseSeconds ?? undefinedRefuse);
    }
  }

  private accept(fw: FrameworkRecord, offerIds: string[], launches: TaskLaunch[], filters?: Filters): void {
    this.counters.inc('master/messages_launch_tasks');
    const offers: OfferRecord[] = [];
    let problem: string | undefined;
    for (const id of offerIds) {
      const offer = this.offers.get(id);
      if (!offer || offer.frameworkId !== fw.id) problem ??= `Offer ${id} is no longer valid`;
      else if (offers.length > 0 && offers[0]!.agentId !== offer.agentId) problem ??= 'Offers span multiple agents';
      else offers.push(offer);
    }
    if (offerIds.length === 0) problem ??= 'No offers given';
    if (problem !== undefined) {
      // Like Mesos: the valid offers are recovered and the tasks dropped (TASK_LOST for non-partition-aware).
      for (const offer of offers) {
        this.dropOffer(offer);
        this.allocator.recover(fw.id, offer.agentId, offer.role, offer.resources);
      }
      const state: TaskState = isPartitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST';
      for (const launch of launches) this.rejectLaunch(fw, launch, state, 'REASON_INVALID_OFFERS', problem);
      return;
    }
    for (const offer of offers) this.dropOffer(offer);
    fw.metrics.offer('accepted', offers.length);
    const agent = this.agents.get(offers[0]!.agentId)!;
    const role = offers[0]!.role;
    let remaining = offers.reduce((sum, o) => sum.plus(o.resources), Resources.EMPTY);
    for (const launch of launches) {
      const invalid = this.validateLaunch(fw, launch, remaining);
      if (invalid !== undefined) {
        this.rejectLaunch(fw, launch, 'TASK_ERROR', 'REASON_TASK_INVALID', invalid);
        continue;
      }
      remaining = remaining.minus(launch.resources);
      const task = new TaskRecord(launch.taskId, fw.id, agent.id, role, launch);
      beginTaskLaunchSpan(task, { 'mesos.task.id': task.id, 'mesos.task.name': task.name, 'mesos.framework.id': fw.id, 'mesos.agent.id': agent.id });
      this.countTask(fw, undefined, 'TASK_STAGING');
      this.attachTask(fw, agent, task);
      this.allocator.offeredToAllocated(agent.id, role, launch.resources);
      if (!agent.connected || !agent.endpoint) {
        const state: TaskState = isPartitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST';
        this.masterUpdate(task, state, 'REASON_SLAVE_DISCONNECTED', 'Agent is disconnected');
        continue;
      }
      const endpoint = agent.endpoint;
      const info = fw.info;
      this.mailbox.post(() => endpoint.runTask(info, role, launch));
    }
    if (!remaining.isEmpty)
      this.allocator.recover(fw.id, agent.id, role, remaining, filters?.refuseSeconds ?? undefinedRefuse);
  }

  private validateLaunch(fw: FrameworkRecord, launch: TaskLaunch, available: Resources): string | undefined {
    if (!launch.taskId || launch.taskId.includes('/') || launch.taskId === '.' || launch.taskId === '..')
      return `Task ID '${launch.taskId}' is invalid`;
    if (fw.tasks.has(launch.taskId) || fw.unreachableTasks.has(launch.taskId))
      return `Task has duplicate ID: ${launch.taskId}`;
    if (launch.resources.isEmpty) return 'Task uses no resources';
    if (!available.contains(launch.resources))
      return `Task uses more resources ${launch.resources.toString()} than available ${available.toString()}`;
    return undefined;
  }

  /** A launch that never became a task: the framework hears about it, the master counts it. */
  private rejectLaunch(fw: FrameworkRecord, launch: TaskLaunch, state: TaskState, reason: TaskStatusReason, message: string): void {
    this.countTask(fw, undefined, state, 'SOURCE_MASTER', reason);
    const update: TaskStatus = { taskId: launch.taskId, state, timestamp: this.now() / 1000, message, reason, source: 'SOURCE_MASTER' };
    const events = fw.events;
    if (events) this.mailbox.post(() => events.update(update));
  }

  // ---- tasks ----------------------------------------------------------------------------------------------------

  private statusUpdate(agent: AgentRecord, frameworkId: string, reported: TaskStatus): void {
    this.counters.inc('master/messages_status_update');
    const fw = this.frameworks.get(frameworkId);
    const task = agent.tasks.get(reported.taskId);
    if (!fw || !task || task.frameworkId !== frameworkId || isTerminal(task.state)) {
      this.counters.inc('master/invalid_status_updates');
      return;
    }
    this.counters.inc('master/valid_status_updates');
    // The session, not the message, says which agent this is.
    const status: TaskStatus = { ...reported, agentId: agent.id };
    this.transition(task, status);
    this.forward(fw, status);
  }

  /** Applies a status to a task, keeping the counters, and retires the task when the state is terminal. */
  private transition(task: TaskRecord, status: TaskStatus, retire = true): void {
    const from = task.state;
    task.apply(status);
    taskLaunchSpanState(task, status.state);
    this.countTask(this.frameworks.get(task.frameworkId), from, status.state, status.source, status.reason);
    this.changed();
    if (!retire) return;
    const fw = this.frameworks.get(task.frameworkId);
    const agent = this.agents.get(task.agentId);
    if (status.state === 'TASK_UNREACHABLE' && fw) {
      fw.tasks.delete(task.id);
      fw.taskSetVersion++;
      fw.unreachableTasks.set(task.id, task);
      return;
    }
    if (!isTerminal(status.state)) return;
    if (agent?.tasks.delete(task.id) && !agent.unreachable) {
      agent.used = agent.used.minus(task.resources);
      subtractQuantities(this.usedQ, task.resources.quantities());
      this.allocator.recover(task.frameworkId, agent.id, task.role, task.resources, undefined, true);
      this.loop.request([agent.id]);
    }
    if (fw) {
      fw.tasks.delete(task.id);
      fw.taskSetVersion++;
      fw.unreachableTasks.delete(task.id);
      fw.completedTasks.push(task);
      if (fw.completedTasks.length > this.maxCompletedTasks) fw.completedTasks.shift();
    }
  }

  /** A status the master itself decides (agent unreachable, framework removed, reconciliation). */
  private masterUpdate(task: TaskRecord, state: TaskState, reason: TaskStatusReason, message: string, notify = true): void {
    const status: TaskStatus = {
      taskId: task.id,
      agentId: task.agentId,
      state,
      timestamp: this.now() / 1000,
      message,
      reason,
      source: 'SOURCE_MASTER',
      containerStatus: task.latest?.containerStatus ?? { container_id: { value: task.id }, network_infos: [] },
    };
    const fw = this.frameworks.get(task.frameworkId);
    // Unreachable tasks leave the agent's used resources with the agent itself (done by the caller).
    this.transition(task, status, true);
    if (fw && (notify || state === 'TASK_UNREACHABLE' || state === 'TASK_LOST' || state === 'TASK_KILLED'))
      this.forward(fw, status);
  }

  private forward(fw: FrameworkRecord, status: TaskStatus): void {
    const events = fw.events;
    if (!events) return;
    fw.metrics.event('update');
    this.mailbox.post(() => {
      events.update(status);
      // The in-process scheduler has handled the update when its handler returns: that is its acknowledgement.
      this.counters.inc('master/messages_status_update_acknowledgement');
      this.counters.inc('master/valid_status_update_acknowledgements');
    });
  }

  private kill(fw: FrameworkRecord, taskId: string, agentId: string | undefined, gracePeriodMs: number | undefined): void {
    this.counters.inc('master/messages_kill_task');
    const task = fw.tasks.get(taskId) ?? fw.unreachableTasks.get(taskId);
    if (!task) {
      const state: TaskState = isPartitionAware(fw) ? 'TASK_UNKNOWN' : 'TASK_LOST';
      const update: TaskStatus = {
        taskId,
        ...(agentId === undefined ? {} : { agentId }),
        state,
        timestamp: this.now() / 1000,
        message: 'Attempted to kill an unknown task',
        reason: 'REASON_RECONCILIATION',
        source: 'SOURCE_MASTER',
      };
      const events = fw.events;
      if (events) this.mailbox.post(() => events.update(update));
      return;
    }
    const agent = this.agents.get(task.agentId);
    if (!agent || agent.unreachable || !agent.endpoint) {
      task.killPending = true;
      return;
    }
    const endpoint = agent.endpoint;
    this.mailbox.post(() => endpoint.killTask(fw.id, taskId, gracePeriodMs));
  }

  private reconcile(fw: FrameworkRecord, tasks: { taskId: string; agentId?: string }[]): void {
    this.counters.inc('master/messages_reconcile_tasks');
    const events = fw.events;
    if (!events) return;
    const now = this.now() / 1000;
    const updates: TaskStatus[] = [];
    if (tasks.length === 0) {
      for (const t of [...fw.tasks.values(), ...fw.unreachableTasks.values()])
        updates.push({ ...(t.latest ?? stagingStatus(t, now)), reason: 'REASON_RECONCILIATION' });
    }
    const aware = isPartitionAware(fw);
    let completed: Map<string, TaskRecord> | undefined;
    for (const { taskId, agentId } of tasks) {
      // A task that ended while its framework was away (the update had no one to go to) answers its end, as Mesos
      // answers from a terminal task whose update was never acknowledged; not GONE, which would hide the failure.
      const t = fw.tasks.get(taskId) ?? fw.unreachableTasks.get(taskId) ?? (completed ??= new Map(fw.completedTasks.map((c) => [c.id, c]))).get(taskId);
      if (t) {
        updates.push({ ...(t.latest ?? stagingStatus(t, now)), reason: 'REASON_RECONCILIATION' });
        continue;
      }
      // Mesos answers nothing for an agent that is recovered but not back yet: the truth is not known.
      if (agentId !== undefined && this.recoveredAgents.has(agentId)) continue;
      const agent = agentId === undefined ? undefined : this.agents.get(agentId);
      let state: TaskState;
      if (agent?.unreachable) state = aware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      else if (agent) state = aware ? 'TASK_GONE' : 'TASK_LOST';
      else state = aware ? 'TASK_UNKNOWN' : 'TASK_LOST';
      updates.push({
        taskId,
        ...(agentId === undefined ? {} : { agentId }),
        state,
        timestamp: now,
        message: 'Reconciliation: task is unknown to the master',
        reason: 'REASON_RECONCILIATION',
        source: 'SOURCE_MASTER',
      });
    }
    for (const u of updates) this.mailbox.post(() => events.update(u));
  }

  // ---- framework ↔ executor messages ---------------------------------------------------------------------------

  /** Scheduler MESSAGE. Like Mesos's master it checks only the agent; the agent checks the executor. */
  private frameworkToExecutor(fw: FrameworkRecord, agentId: string, executorId: string, data: Uint8Array): void {
    this.counters.inc('master/messages_framework_to_executor');
    const agent = this.agents.get(agentId);
    const endpoint = agent?.endpoint;
    const problem = !(data instanceof Uint8Array)
      ? 'its data is not bytes'
      : !agent || agent.unreachable || !agent.connected || !endpoint
        ? `agent ${agentId} is not connected`
        : undefined;
    if (problem !== undefined || !endpoint) {
      this.counters.inc('master/invalid_framework_to_executor_messages');
      this.log(`dropped a message from framework ${fw.id} to executor ${executorId}: ${problem}`, PRIORITY.warning);
      return;
    }
    this.counters.inc('master/valid_framework_to_executor_messages');
    // A copy, as a message on the wire would be: the framework may reuse its buffer.
    const bytes = data.slice();
    this.mailbox.post(() => endpoint.frameworkMessage(fw.id, executorId, bytes));
  }

  /** An executor's message, valid when its framework is subscribed (Mesos drops it for a disconnected one). */
  private executorToFramework(agent: AgentRecord, frameworkId: string, executorId: string, data: Uint8Array): void {
    this.counters.inc('master/messages_executor_to_framework');
    const fw = this.frameworks.get(frameworkId);
    const events = fw?.events;
    if (!fw || !fw.connected || !events || !(data instanceof Uint8Array)) {
      this.counters.inc('master/invalid_executor_to_framework_messages');
      this.log(`dropped a message from executor ${executorId} on agent ${agent.id} to framework ${frameworkId}`, PRIORITY.warning);
      return;
    }
    this.counters.inc('master/valid_executor_to_framework_messages');
    fw.metrics.event('message');
    const bytes = data.slice();
    this.mailbox.post(() => events.message?.(agent.id, executorId, bytes));
  }

  // ---- roles ----------------------------------------------------------------------------------------------------

  async updateWeight(role: string, weight: number): Promise<void> {
    this.allocator.updateWeight(role, weight);
    await this.registrar.apply((r) => {
      r.weights[role] = weight;
      return true;
    });
    this.loop.request();
  }

  async updateQuota(role: string, quota: Quota): Promise<void> {
    this.allocator.updateQuota(role, quota);
    await this.registrar.apply((r) => {
      if (quota.guarantees.size === 0 && quota.limits.size === 0) delete r.quotas[role];
      else r.quotas[role] = { guarantees: formatQuantities(quota.guarantees), limits: formatQuantities(quota.limits) };
      return true;
    });
    this.loop.request();
  }

  /** Roles known to the master: framework roles, weighted and quota'd roles, and roles of reservations. */
  roles(): Map<string, { weight: number; frameworks: string[] }> {
    const out = new Map<string, { weight: number; frameworks: string[] }>();
    const add = (role: string) => {
      let r = out.get(role);
      if (!r) out.set(role, (r = { weight: this.allocator.weight(role), frameworks: [] }));
      return r;
    };
    for (const fw of this.frameworks.values()) for (const role of fw.info.roles) add(role).frameworks.push(fw.id);
    const registry = this.registrar.view();
    for (const role of Object.keys(registry.weights)) add(role);
    for (const role of Object.keys(registry.quotas)) add(role);
    for (const agent of this.agents.values())
      for (const e of agent.info.resources.entries) if (e.role !== '*') add(e.role);
    return out;
  }

  health(agent: AgentRecord): AgentHealth {
    if (agent.unreachable) return 'unreachable';
    if (!agent.connected) return 'disconnected';
    return agent.active ? 'active' : 'inactive';
  }

  metricsSnapshot(out: Record<string, number>): void {
    this.counters.snapshot(out);
    this.allocator.snapshot(out);
    this.registrar.snapshot(out);
    for (const fw of this.frameworks.values())
      fw.metrics.snapshot(out, fw.info.name, fw.id, fw.connected, fw.suppressedRoles);
  }

  private requireRunning(): void {
    if (!this.running) throw new MasterError('master is not running');
  }
}

/** The allocator applies Mesos's default refusal (5 s) to a decline without filters. */
const undefinedRefuse = -1;

function isPartitionAware(fw: FrameworkRecord): boolean {
  return fw.info.capabilities?.includes(PARTITION_AWARE) ?? false;
}

function stagingStatus(task: TaskRecord, now: number): TaskStatus {
  return {
    taskId: task.id,
    agentId: task.agentId,
    state: task.state,
    timestamp: now,
    containerStatus: { container_id: { value: task.id }, network_infos: [] },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
