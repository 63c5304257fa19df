/**
 * Marathon as a framework on the master: keeps each app's instances running (relaunching failed, lost and
 * unreachable tasks, with backoff), scales, replaces tasks on a config change honouring the upgrade strategy, kills
 * tasks that fail their health checks, and places tasks on offers by resources, roles and constraints.
 *
 * Every change (an API call, a status update, a health verdict, a timer) marks its app dirty; one convergence pass
 * then asks the instance plan what the app needs and carries it out. Offers are answered at once: accepted with the
 * tasks that fit, the rest declined; offers are suppressed while nothing waits and revived when something does.
 *
 * State (framework id, apps, tasks) is persisted, so after a restart Marathon re-subscribes with its framework id
 * and reconciles the tasks it knows: tasks keep running across a restart and none is launched twice.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isTerminal } from '../mesos/task-state.ts';
import { PRIORITY, type Priority } from '../units/unit-journal.ts';
import type {
  FrameworkInfo,
  OfferView,
  SchedulerConnection,
  SchedulerEvents,
} from '../mesos/scheduler-api.ts';
import type { TaskStatus } from '../mesos/task-status.ts';
import type { Time } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import type { MarathonView } from './api-json.ts';
import { AppRegistry } from './app-registry.ts';
import type { AppRecord } from './app-record.ts';
import { deploymentJson, type Deployment } from './deployments.ts';
import { HealthMonitor, type HealthCheckResult } from './health-monitor.ts';
import { planInstances, type PlanTask } from './instance-plan.ts';
import { LaunchBackoff } from './launch-backoff.ts';
import { DEFAULT_LAUNCH_TOKEN_REFRESH_INTERVAL_MS, DEFAULT_LAUNCH_TOKENS, LaunchTokens } from './launch-tokens.ts';
import { MarathonEventBus } from './marathon-events.ts';
import { MarathonStore, type StoredState } from './marathon-store.ts';
import { OfferInterest } from './offer-interest.ts';
import { answerOffers, type WaitingApp } from './offer-responder.ts';
import type { RunSpec } from './run-spec.ts';
import { DEFAULT_SERVICE_PORT_RANGE, type ServicePortRange } from './service-ports.ts';
import { buildTaskLaunch, taskEnvironment } from './task-launch-builder.ts';
import { newTaskId } from './task-naming.ts';
import { taskPhase, TaskTracker, type MarathonTask } from './task-tracker.ts';
import { UnreachableTimers } from './unreachable-timers.ts';

export const MARATHON_VERSION = '1.11.0';

/** The master as Marathon sees it. */
export interface MasterLink {
  subscribe(info: FrameworkInfo, events: SchedulerEvents): Promise<SchedulerConnection>;
}

export interface MarathonSchedulerOptions {
  master: MasterLink;
  /** Marathon's own directory; its state lives in `state.json` there. */
  dataDir: string;
  /** The address Marathon is reached at (leader, webui_url). */
  hostname: string;
  httpPort?: number;
  /** Shown in /v2/info as `marathon_config.master`. */
  masterUrl?: string;
  frameworkName?: string;
  /** FrameworkInfo.user (Marathon's `--mesos_user`); default: the user minidc runs as. */
  user?: string;
  /** DC/OS runs Marathon with role `slave_public`, so it is offered unreserved and public-agent resources. */
  roles?: string[];
  /** Roles an app may use when it names none (DC/OS: unreserved only). */
  defaultAcceptedResourceRoles?: string[];
  failoverTimeoutSecs?: number;
  /** refuse_seconds for declined offers and unused parts of accepted ones (Marathon's decline_offer_duration). */
  declineOfferSeconds?: number;
  reconciliationIntervalMs?: number;
  /** Task launches allowed per refresh interval, across all apps (Marathon's --launch_tokens). Default 100. */
  launchTokens?: number;
  /** How often the launch tokens are refilled (Marathon's --launch_token_refresh_interval). Default 30 s. */
  launchTokenRefreshIntervalMs?: number;
  /**
   * Instances launched on one offer at most (Marathon's --max_instances_per_offer). Default 5, as Marathon's: an
   * agent's launches are spread over allocation cycles, so a burst of process spawns never stalls the event loop.
   */
  maxInstancesPerOffer?: number;
  /** A task that ran this long before failing resets its app's launch backoff (when the app has no checks). */
  backoffResetAfterMs?: number;
  servicePortRange?: ServicePortRange;
  /**
   * Marathon's timers, and its clock: the wall clock (epoch ms) dates versions, timestamps, backoff, health grace
   * periods and unreachable timeouts. Default systemTime.
   */
  time?: Time;
  random?: () => number;
  /** Where Marathon's messages go (the unit's journal); priority is syslog's (PRIORITY), info when omitted. */
  log?: (message: string, priority?: Priority) => void;
  /** The master ended the subscription (framework removed or replaced): the unit should fail. */
  onSubscriptionLost?: (message: string) => void;
}

const ONE_WEEK_SECS = 7 * 24 * 3600;
const DEFAULT_MAX_INSTANCES_PER_OFFER = 5;

export class MarathonScheduler implements MarathonView {
  readonly store: MarathonStore;
  readonly tasks = new TaskTracker();
  readonly apps: AppRegistry;
  readonly frameworkRoles: readonly string[];
  readonly acceptedRolesDefault: readonly string[];
  readonly declineOfferSeconds: number;
  readonly servicePortRange: ServicePortRange;
  readonly failoverTimeoutSecs: number;
  readonly httpPort: number;
  readonly frameworkName: string;
  readonly frameworkUser: string;
  readonly launchTokens: number;
  readonly launchTokenRefreshIntervalMs: number;
  readonly maxInstancesPerOffer: number;
  readonly reconciliationIntervalMs: number;
  /** What GET /v2/events streams. */
  readonly eventBus: MarathonEventBus;
  private readonly options: MarathonSchedulerOptions;
  private readonly timers: Time;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly log: (message: string, priority?: Priority) => void;
  private readonly backoff: LaunchBackoff;
  private readonly tokens: LaunchTokens;
  private readonly health: HealthMonitor;
  private readonly unreachable: UnreachableTimers;
  private readonly interest = new OfferInterest();
  private frameworkIdValue: string | undefined;
  private conn: SchedulerConnection | undefined;
  private events: SchedulerEvents | undefined;
  private running = false;
  private commandCwd: string | undefined;
  private readonly dirty = new Set<string>();
  private convergeQueued = false;
  private pendingOffers: OfferView[] = [];
  private stopReconciliation: (() => void) | undefined;

  constructor(options: MarathonSchedulerOptions) {
    this.options = options;
    this.store = new MarathonStore(join(options.dataDir, 'state.json'));
    this.timers = options.time ?? systemTime;
    this.now = () => this.timers.wallMs();
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => {});
    this.frameworkRoles = options.roles ?? ['slave_public'];
    this.acceptedRolesDefault = options.defaultAcceptedResourceRoles ?? ['*'];
    this.declineOfferSeconds = options.declineOfferSeconds ?? 120;
    this.servicePortRange = options.servicePortRange ?? DEFAULT_SERVICE_PORT_RANGE;
    this.failoverTimeoutSecs = options.failoverTimeoutSecs ?? ONE_WEEK_SECS;
    this.httpPort = options.httpPort ?? 8080;
    this.frameworkName = options.frameworkName ?? 'marathon';
    this.frameworkUser = options.user ?? currentUser();
    this.launchTokens = options.launchTokens ?? DEFAULT_LAUNCH_TOKENS;
    this.launchTokenRefreshIntervalMs = options.launchTokenRefreshIntervalMs ?? DEFAULT_LAUNCH_TOKEN_REFRESH_INTERVAL_MS;
    this.reconciliationIntervalMs = options.reconciliationIntervalMs ?? 600_000;
    this.maxInstancesPerOffer = options.maxInstancesPerOffer ?? DEFAULT_MAX_INSTANCES_PER_OFFER;
    this.eventBus = new MarathonEventBus(this.now);
    this.tokens = new LaunchTokens({
      tokens: this.launchTokens,
      refreshIntervalMs: this.launchTokenRefreshIntervalMs,
      timers: this.timers,
      onRefill: () => {
        if (!this.running) return;
        this.interest.wantRevive();
        for (const rec of this.apps.all()) if (rec.launchWanted > 0) this.markDirty(rec.spec.id);
      },
    });
    this.backoff = new LaunchBackoff({
      now: this.now,
      timers: this.timers,
      onExpired: (appId) => {
        if (!this.running) return;
        // Offers were declined with a filter while the app waited: ask for them again.
        this.interest.wantRevive();
        this.markDirty(appId);
      },
    });
    this.health = new HealthMonitor({
      timers: this.timers,
      now: this.now,
      commandCwd: () => this.commandCwd,
      onUnhealthy: (taskId, cause) => this.killUnhealthy(taskId, cause),
      onChange: (taskId) => this.healthChanged(taskId),
    });
    this.unreachable = new UnreachableTimers({
      timers: this.timers,
      now: this.now,
      strategyOf: (task) => this.specOf(task)?.unreachableStrategy ?? 'disabled',
      isPending: (task) => this.running && this.tasks.get(task.id) === task && task.state === 'TASK_UNREACHABLE',
      inactive: (task) => {
        task.inactive = true;
        this.markDirty(task.appId);
        this.persistSoon();
      },
      expunge: (task) => this.expunge(task),
    });
    this.apps = new AppRegistry({
      now: this.now,
      roles: this.frameworkRoles,
      servicePortRange: this.servicePortRange,
      task: (id) => this.tasks.get(id),
      tasksOf: (appId) => this.tasks.ofApp(appId),
      kill: (task) => this.kill(task),
      changed: (appId) => this.markDirty(appId),
      configChanged: (appId) => this.backoff.reset(appId),
      persist: () => this.persist(),
      deploymentStarted: (deployment, replaced) => {
        if (replaced) this.eventBus.publish('deployment_failed', () => ({ id: replaced.id, plan: planJson(replaced) }));
        this.eventBus.publish('deployment_info', () => ({ plan: planJson(deployment), currentStep: currentStepJson(deployment) }));
      },
      deploymentCanceled: (deployment) =>
        this.eventBus.publish('deployment_failed', () => ({ id: deployment.id, plan: planJson(deployment) })),
    });
  }

  get frameworkId(): string | undefined {
    return this.frameworkIdValue;
  }
  get isRunning(): boolean {
    return this.running;
  }
  get leader(): string {
    return `${this.options.hostname}:${this.httpPort}`;
  }
  get masterUrl(): string | undefined {
    return this.options.masterUrl;
  }
  /** Marathon's clock (epoch ms). */
  currentTime(): number {
    return this.now();
  }

  // ---- lifecycle ------------------------------------------------------------------------------------------------

  /** Recovers the stored state, subscribes (with the stored framework id) and reconciles the known tasks. */
  async start(): Promise<void> {
    if (this.running) return;
    const state = await this.store.load();
    if (state) this.restore(state);
    this.commandCwd = await mkdtemp(join(tmpdir(), 'marathon-health-'));
    this.running = true;
    try {
      await this.subscribe();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Disconnects without tearing down: the master keeps the framework and its tasks for the failover timeout, as
   * when dcos-marathon.service restarts.
   */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    this.stopReconciliation?.();
    this.stopReconciliation = undefined;
    this.backoff.stop();
    this.tokens.stop();
    this.unreachable.cancelAll();
    this.health.stopAll();
    const conn = this.conn;
    this.conn = undefined;
    this.events = undefined;
    // Offers not yet answered go back with the subscription.
    this.pendingOffers = [];
    conn?.disconnect();
    if (wasRunning) await this.persist();
    await this.store.flush();
    if (this.commandCwd !== undefined) await rm(this.commandCwd, { recursive: true, force: true });
    this.commandCwd = undefined;
  }

  private frameworkInfo(): FrameworkInfo {
    return {
      ...(this.frameworkIdValue === undefined ? {} : { id: this.frameworkIdValue }),
      name: this.frameworkName,
      user: this.frameworkUser,
      roles: [...this.frameworkRoles],
      hostname: this.options.hostname,
      webuiUrl: `http://${this.leader}`,
      failoverTimeoutSecs: this.failoverTimeoutSecs,
      checkpoint: true,
      capabilities: ['PARTITION_AWARE', 'TASK_KILLING_STATE', 'MULTI_ROLE'],
      pid: `scheduler-${randomUUID()}@${this.leader}`,
    };
  }

  private async subscribe(): Promise<void> {
    const events = this.eventHandlers();
    let conn: SchedulerConnection;
    try {
      conn = await this.options.master.subscribe(this.frameworkInfo(), events);
    } catch (err) {
      if (this.frameworkIdValue === undefined || !/has been removed/.test(String(err))) throw err;
      // The master tore the framework down while Marathon was away: its tasks are gone, start afresh.
      this.log(`framework ${this.frameworkIdValue} was removed by the master; registering anew`, PRIORITY.warning);
      this.frameworkIdValue = undefined;
      for (const t of this.tasks.all()) this.forgetTask(t);
      conn = await this.options.master.subscribe(this.frameworkInfo(), events);
    }
    if (!this.running) {
      conn.disconnect();
      return;
    }
    this.conn = conn;
    this.events = events;
    this.frameworkIdValue = conn.frameworkId;
    this.interest.reset();
    await this.persist();
    // Kills asked for before a restart may never have reached the master.
    for (const t of this.tasks.all()) if (t.killRequested) conn.kill(t.id, t.agentId, this.killGraceMs(t));
    this.reconcile();
    this.scheduleReconciliation();
    // Tasks of apps that no longer exist are dirty too: their plan is to be killed.
    for (const id of new Set([...this.apps.ids(), ...this.tasks.all().map((t) => t.appId)])) this.markDirty(id);
  }

  private eventHandlers(): SchedulerEvents {
    const events: SchedulerEvents = {
      subscribed: () => undefined,
      offers: (offers) => {
        if (this.events === events) this.onOffers(offers);
      },
      // Offers are answered as they arrive, so none is held that could be rescinded.
      rescind: () => undefined,
      update: (status) => {
        if (this.events === events) this.onUpdate(status);
      },
      error: (message) => {
        if (this.events !== events) return;
        this.log(`subscription ended: ${message}`, PRIORITY.err);
        this.conn = undefined;
        this.events = undefined;
        this.options.onSubscriptionLost?.(message);
      },
    };
    return events;
  }

  /** Explicit reconciliation of every known task, then implicit, which surfaces tasks Marathon does not know. */
  private reconcile(): void {
    const conn = this.conn;
    if (!conn) return;
    const known = this.tasks.all().map((t) => ({ taskId: t.id, agentId: t.agentId }));
    if (known.length > 0) conn.reconcile(known);
    conn.reconcile([]);
  }

  private scheduleReconciliation(): void {
    this.stopReconciliation?.();
    this.stopReconciliation = this.timers.every(this.reconciliationIntervalMs, () => this.reconcile());
  }

  // ---- persistence ----------------------------------------------------------------------------------------------

  private snapshot(): StoredState {
    return {
      version: 1,
      ...(this.frameworkIdValue === undefined ? {} : { frameworkId: this.frameworkIdValue }),
      apps: this.apps.snapshot(),
      tasks: this.tasks.all(),
    };
  }

  private persist(): Promise<void> {
    return this.store.save(() => this.snapshot());
  }

  /** For changes no API caller waits for (task updates): a failed write is logged, and the next one retries. */
  private persistSoon(): void {
    this.persist().catch((err: unknown) => this.log(`cannot save state: ${String(err)}`, PRIORITY.err));
  }

  private restore(state: StoredState): void {
    this.frameworkIdValue = state.frameworkId;
    this.apps.restore(state.apps, (m) => this.log(m, PRIORITY.warning));
    for (const task of state.tasks) this.tasks.add({ ...task, ipAddresses: [...task.ipAddresses] });
    for (const task of this.tasks.all()) {
      if (taskPhase(task) === 'running') this.watchHealth(task);
      if (task.state === 'TASK_UNREACHABLE') this.unreachable.arm(task);
    }
  }

  // ---- what the API shows ----------------------------------------------------------------------------------------

  tasksOf(appId: string): MarathonTask[] {
    return this.tasks.ofApp(appId).sort((a, b) => a.stagedAt - b.stagedAt || (a.id < b.id ? -1 : 1));
  }

  healthResults(taskId: string): HealthCheckResult[] {
    return this.health.results(taskId);
  }

  isHealthy(taskId: string): boolean {
    return this.health.isHealthy(taskId);
  }

  isUnhealthy(taskId: string): boolean {
    return this.health.isUnhealthy(taskId);
  }

  /** Epoch ms until which the app's launches wait (backoff), if they do. */
  delayedUntil(appId: string): number | undefined {
    return this.backoff.delayedUntil(appId);
  }

  // ---- status updates -------------------------------------------------------------------------------------------

  private onUpdate(u: TaskStatus): void {
    const task = this.tasks.get(u.taskId);
    if (!task) {
      // Not ours (any more): expunged, or lost from the state. Whatever still runs under this framework goes.
      if (!isTerminal(u.state) && u.state !== 'TASK_UNKNOWN') this.conn?.kill(u.taskId, u.agentId);
      return;
    }
    if (task.state !== u.state) this.publishStatus(task, u);
    if (isTerminal(u.state) || u.state === 'TASK_UNKNOWN') return this.taskEnded(task, u);
    if (u.state === 'TASK_UNREACHABLE') {
      // Being killed anyway: nothing to wait for, and the kill stands should the agent come back.
      if (task.killRequested) return this.expunge(task);
      if (task.state !== 'TASK_UNREACHABLE') {
        task.state = 'TASK_UNREACHABLE';
        task.unreachableSince = this.now();
        task.inactive = false;
        this.health.unwatch(task.id);
        this.persistSoon();
      }
      this.unreachable.arm(task);
      this.markDirty(task.appId);
      return;
    }
    const changed = task.state !== u.state;
    if (task.state === 'TASK_UNREACHABLE') {
      delete task.unreachableSince;
      task.inactive = false;
      this.unreachable.cancel(task.id);
    }
    task.state = u.state;
    const ips = u.containerStatus?.network_infos.flatMap((n) => n.ip_addresses) ?? [];
    if (ips.length > 0) task.ipAddresses = ips.map((a) => ({ ipAddress: a.ip_address, protocol: a.protocol }));
    if (u.state === 'TASK_RUNNING') {
      task.startedAt ??= this.now();
      if (!task.killRequested) this.watchHealth(task);
    }
    if (changed) {
      this.markDirty(task.appId);
      this.persistSoon();
    }
  }

  private publishStatus(task: MarathonTask, u: TaskStatus): void {
    this.eventBus.publish('status_update_event', () => ({
      slaveId: task.agentId,
      taskId: task.id,
      taskStatus: u.state,
      message: u.message ?? '',
      appId: task.appId,
      host: task.host,
      ipAddresses: task.ipAddresses.map((a) => ({ ipAddress: a.ipAddress, protocol: a.protocol })),
      ports: [...task.ports],
      version: task.version,
    }));
  }

  private taskEnded(task: MarathonTask, u: TaskStatus): void {
    this.forgetTask(task);
    const rec = this.apps.record(task.appId);
    if (rec && !task.killRequested) {
      rec.lastTaskFailure = {
        appId: task.appId,
        taskId: task.id,
        host: task.host,
        slaveId: task.agentId,
        state: u.state,
        message: u.message ?? '',
        timestamp: this.now(),
        version: task.version,
      };
      // Infrastructure losses (agent gone, launch dropped) are not the app's fault: relaunched at once.
      if (u.state === 'TASK_FAILED' || u.state === 'TASK_FINISHED' || u.state === 'TASK_ERROR') this.delayLaunches(rec, task);
    } else if (rec && task.killedUnhealthy) {
      this.delayLaunches(rec, task);
    }
    this.markDirty(task.appId);
    this.persistSoon();
  }

  private delayLaunches(rec: AppRecord, task: MarathonTask): void {
    const ranFor = task.startedAt === undefined ? 0 : this.now() - task.startedAt;
    const ranLongEnough = rec.spec.healthChecks.length === 0 && ranFor >= (this.options.backoffResetAfterMs ?? 60_000);
    this.backoff.recordFailure(rec.spec.id, rec.spec, task.configVersion, task.everHealthy || ranLongEnough);
  }

  /** Drops a task from the tracker with everything attached to it (health checks, unreachable timers). */
  private forgetTask(task: MarathonTask): void {
    this.tasks.remove(task.id);
    this.health.unwatch(task.id);
    this.unreachable.cancel(task.id);
  }

  /** Forgets an unreachable task. The kill makes the master stop it should its agent come back. */
  private expunge(task: MarathonTask): void {
    this.forgetTask(task);
    this.conn?.kill(task.id, task.agentId, this.killGraceMs(task));
    this.markDirty(task.appId);
    this.persistSoon();
  }

  // ---- health ---------------------------------------------------------------------------------------------------

  private watchHealth(task: MarathonTask): void {
    const spec = this.specOf(task);
    if (!spec || spec.healthChecks.length === 0) return;
    const env = taskEnvironment(spec, { taskId: task.id, version: task.version, host: task.agentIp, hostPorts: task.ports });
    this.health.watch(task.id, spec.healthChecks, { host: task.agentIp, ports: task.ports, env }, task.startedAt ?? this.now());
  }

  private healthChanged(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) return;
    this.eventBus.publish('health_status_changed_event', () => ({
      appId: task.appId,
      taskId: task.id,
      instanceId: task.id,
      version: task.version,
      alive: this.health.isHealthy(taskId),
    }));
    if (this.health.isHealthy(taskId) && !task.everHealthy) {
      task.everHealthy = true;
      this.persistSoon();
    }
    this.markDirty(task.appId);
  }

  private killUnhealthy(taskId: string, cause: string): void {
    const task = this.tasks.get(taskId);
    if (!task || task.killRequested) return;
    this.log(`killing task ${taskId}: it failed its health check (${cause})`, PRIORITY.warning);
    task.killedUnhealthy = true;
    this.kill(task);
    this.persistSoon();
  }

  // ---- convergence ----------------------------------------------------------------------------------------------

  private markDirty(appId: string): void {
    this.dirty.add(appId);
    if (this.convergeQueued) return;
    this.convergeQueued = true;
    // One pass for a burst of changes; setImmediate so a whole mailbox batch of updates lands first.
    setImmediate(() => this.converge());
  }

  private converge(): void {
    this.convergeQueued = false;
    if (!this.running) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    let changed = false;
    for (const id of ids) changed = this.convergeApp(id) || changed;
    if (changed) this.persistSoon();
    const conn = this.conn;
    if (!conn) return;
    let launchable = 0;
    for (const rec of this.apps.all()) if (!rec.deleted) launchable += this.launchable(rec);
    // Out of launch tokens nothing can launch: offers are suppressed until the refill revives them.
    const call = this.interest.decide(Math.min(launchable, this.tokens.available));
    if (call === 'revive') conn.revive();
    else if (call === 'suppress') conn.suppress();
  }

  /** Brings one app closer to its plan; true when something durable changed. */
  private convergeApp(appId: string): boolean {
    const rec = this.apps.record(appId);
    const tasks = this.tasks.ofApp(appId);
    if (!rec || rec.deleted) {
      for (const t of tasks) this.kill(t);
      if (rec && this.tasks.ofApp(appId).length === 0) {
        this.apps.remove(appId);
        return true;
      }
      return false;
    }
    const plan = planInstances({
      instances: rec.spec.instances,
      upgradeStrategy: rec.spec.upgradeStrategy,
      killSelection: rec.spec.killSelection,
      tasks: tasks.map((t) => this.planTask(rec, t)),
    });
    for (const id of plan.kill) {
      const t = this.tasks.get(id);
      if (t) this.kill(t);
    }
    if (plan.launch > rec.launchWanted) this.interest.wantRevive();
    rec.launchWanted = plan.launch;
    if (plan.launch > 0) rec.waitingSince ??= this.now();
    else if (rec.waitingSince !== undefined) {
      rec.waitingSince = undefined;
      rec.offerStats.reset();
    }
    for (const v of [...rec.previousSpecs.keys()]) if (!tasks.some((t) => t.configVersion === v)) rec.previousSpecs.delete(v);
    if (plan.complete && rec.deployment) {
      const done = rec.deployment;
      rec.deployment = undefined;
      this.eventBus.publish('deployment_success', () => ({ id: done.id, plan: planJson(done) }));
      return true;
    }
    return plan.kill.length > 0;
  }

  private planTask(rec: AppRecord, t: MarathonTask): PlanTask {
    const phase = taskPhase(t);
    const spec = this.specOf(t) ?? rec.spec;
    const ready = phase === 'running' && (spec.healthChecks.length === 0 || this.health.isHealthy(t.id));
    return { id: t.id, current: t.configVersion === rec.lastConfigChangeAt, phase, ready, stagedAt: t.stagedAt };
  }

  /** The spec a task was launched with (its config version's), as far as it is still known. */
  private specOf(task: MarathonTask): RunSpec | undefined {
    const rec = this.apps.record(task.appId);
    if (!rec) return undefined;
    if (task.configVersion === rec.lastConfigChangeAt) return rec.spec;
    return rec.previousSpecs.get(task.configVersion) ?? rec.spec;
  }

  private kill(task: MarathonTask): void {
    if (task.killRequested) return;
    task.killRequested = true;
    this.health.unwatch(task.id);
    this.conn?.kill(task.id, task.agentId, this.killGraceMs(task));
    // No update comes from an unreachable agent until it returns; Marathon expunges such tasks at once.
    if (task.state === 'TASK_UNREACHABLE') this.forgetTask(task);
    this.markDirty(task.appId);
  }

  private killGraceMs(task: MarathonTask): number | undefined {
    const secs = this.specOf(task)?.taskKillGracePeriodSeconds;
    return secs === undefined ? undefined : secs * 1000;
  }

  private launchable(rec: AppRecord): number {
    return rec.launchWanted > 0 && this.backoff.delayedUntil(rec.spec.id) === undefined ? rec.launchWanted : 0;
  }

  // ---- offers ---------------------------------------------------------------------------------------------------

  /**
   * Offers are answered one per macrotask: each accepted offer makes its agent spawn up to max_instances_per_offer
   * processes (~10 ms each), and answering a whole batch in one go would hold the event loop for all of them.
   */
  private onOffers(offers: OfferView[]): void {
    const start = this.pendingOffers.length === 0;
    this.pendingOffers.push(...offers);
    if (start) this.answerNextOffer();
  }

  private answerNextOffer(): void {
    const offer = this.pendingOffers.shift();
    if (offer === undefined) return;
    this.answerOffers([offer]);
    if (this.pendingOffers.length > 0) setImmediate(() => this.answerNextOffer());
  }

  private answerOffers(offers: OfferView[]): void {
    const conn = this.conn;
    if (!conn || !this.running) return;
    // Decide on current plans, not ones a queued pass has yet to update.
    if (this.convergeQueued) this.converge();
    // The launch tokens left go to the apps waiting longest first.
    let budget = this.tokens.available;
    const waiting: WaitingApp[] = this.apps
      .all()
      .filter((rec) => !rec.deleted && this.launchable(rec) > 0)
      .sort((a, b) => (a.waitingSince ?? 0) - (b.waitingSince ?? 0))
      .map((rec) => {
        const wanted = Math.min(this.launchable(rec), budget);
        budget -= wanted;
        return { rec, wanted };
      })
      .filter((w) => w.wanted > 0)
      .map(({ rec, wanted }) => ({
        rec,
        wanted,
        placed: this.tasks
          .ofApp(rec.spec.id)
          .filter((t) => !t.killRequested && !t.inactive)
          .map((t) => ({ hostname: t.host, attributes: t.attributes })),
        acceptedRoles: rec.spec.acceptedResourceRoles ?? this.acceptedRolesDefault,
      }));
    let launches = 0;
    const launched = answerOffers(offers, waiting, {
      conn,
      refuseSeconds: this.declineOfferSeconds,
      maxInstancesPerOffer: this.maxInstancesPerOffer,
      random: this.random,
      now: this.now(),
      launch: (rec, offer, placement) => {
        launches++;
        const task = this.newTask(rec, offer, placement.hostPorts);
        return buildTaskLaunch(rec.spec, {
          taskId: task.id,
          version: rec.version,
          host: offer.ip,
          resources: placement.resources,
          hostPorts: placement.hostPorts,
        });
      },
    });
    this.tokens.use(launches);
    if (launched) this.persistSoon();
  }

  private newTask(rec: AppRecord, offer: OfferView, hostPorts: readonly number[]): MarathonTask {
    const task: MarathonTask = {
      id: newTaskId(rec.spec.id),
      appId: rec.spec.id,
      agentId: offer.agentId,
      host: offer.hostname,
      agentIp: offer.ip,
      attributes: { ...offer.attributes },
      ports: [...hostPorts],
      servicePorts: rec.spec.portDefinitions.map((d) => d.port),
      version: rec.version,
      configVersion: rec.lastConfigChangeAt,
      stagedAt: this.now(),
      state: 'TASK_STAGING',
      ipAddresses: [],
      killRequested: false,
      inactive: false,
      everHealthy: false,
    };
    this.tasks.add(task);
    this.markDirty(rec.spec.id);
    return task;
  }
}

/** A deployment as Marathon's deployment events carry it. */
function planJson(d: Deployment): Record<string, unknown> {
  const json = deploymentJson(d);
  return { id: d.id, version: d.version, steps: json.steps, affectedApps: [d.appId] };
}

function currentStepJson(d: Deployment): Record<string, unknown> {
  const current = d.steps[d.steps.length - 1];
  return { actions: current === undefined ? [] : [{ action: current, app: d.appId }] };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}
