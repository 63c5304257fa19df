/**
 * The JSON Marathon's REST API prints for apps, tasks, the launch queue and /v2/info, built from the scheduler's
 * state. Field names follow Marathon's v2 API, so the DC/OS CLI and UI, marathon-lb and scripts read them as is.
 */
import type { AppRecord, TaskFailure } from './app-record.ts';
import type { HealthCheckResult } from './health-monitor.ts';
import type { NoMatchReason } from './resource-matcher.ts';
import { runSpecJson } from './run-spec.ts';
import type { ServicePortRange } from './service-ports.ts';
import type { MarathonTask } from './task-tracker.ts';

/** What the JSON needs from the scheduler (MarathonScheduler provides it). */
export interface MarathonView {
  readonly frameworkId: string | undefined;
  readonly leader: string;
  readonly isRunning: boolean;
  readonly frameworkName: string;
  readonly frameworkRoles: readonly string[];
  readonly acceptedRolesDefault: readonly string[];
  readonly declineOfferSeconds: number;
  readonly servicePortRange: ServicePortRange;
  readonly masterUrl: string | undefined;
  readonly failoverTimeoutSecs: number;
  /** FrameworkInfo.user (`mesos_user`). */
  readonly frameworkUser: string;
  readonly launchTokens: number;
  readonly launchTokenRefreshIntervalMs: number;
  readonly maxInstancesPerOffer: number;
  readonly reconciliationIntervalMs: number;
  tasksOf(appId: string): MarathonTask[];
  healthResults(taskId: string): HealthCheckResult[];
  isHealthy(taskId: string): boolean;
  isUnhealthy(taskId: string): boolean;
  delayedUntil(appId: string): number | undefined;
}

export interface AppEmbed {
  tasks: boolean;
  lastTaskFailure: boolean;
  /** The app as POST returns it: just created, so no tasks and zero counts whatever has happened since. */
  asCreated?: boolean;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function appJson(view: MarathonView, rec: AppRecord, embed: AppEmbed): Record<string, unknown> {
  const tasks = embed.asCreated ? [] : view.tasksOf(rec.spec.id);
  const counts = { tasksStaged: 0, tasksRunning: 0, tasksHealthy: 0, tasksUnhealthy: 0 };
  for (const t of tasks) {
    if (t.killRequested) continue;
    if (t.state === 'TASK_STAGING' || t.state === 'TASK_STARTING') counts.tasksStaged++;
    if (t.state !== 'TASK_RUNNING') continue;
    counts.tasksRunning++;
    if (view.isHealthy(t.id)) counts.tasksHealthy++;
    else if (view.isUnhealthy(t.id)) counts.tasksUnhealthy++;
  }
  const out: Record<string, unknown> = {
    ...runSpecJson(rec.spec),
    executor: '',
    uris: [],
    fetch: [],
    storeUrls: [],
    readinessChecks: [],
    dependencies: [],
    networks: [{ mode: 'host' }],
    secrets: {},
    version: rec.version,
    versionInfo: { lastScalingAt: rec.lastScalingAt, lastConfigChangeAt: rec.lastConfigChangeAt },
    ...counts,
    deployments: rec.deployment ? [{ id: rec.deployment.id }] : [],
  };
  if (embed.tasks) out.tasks = tasks.map((t) => taskJson(view, t));
  if (embed.lastTaskFailure && rec.lastTaskFailure) out.lastTaskFailure = taskFailureJson(rec.lastTaskFailure);
  return out;
}

export function taskJson(view: MarathonView, t: MarathonTask): Record<string, unknown> {
  // A task Marathon is killing reads as killing, whatever Mesos last said.
  const state = t.killRequested && t.state !== 'TASK_UNREACHABLE' ? 'TASK_KILLING' : t.state;
  return {
    id: t.id,
    appId: t.appId,
    host: t.host,
    slaveId: t.agentId,
    state,
    stagedAt: iso(t.stagedAt),
    startedAt: iso(t.startedAt),
    version: t.version,
    ports: [...t.ports],
    servicePorts: [...t.servicePorts],
    ipAddresses: t.ipAddresses.map((a) => ({ ipAddress: a.ipAddress, protocol: a.protocol })),
    healthCheckResults: view.healthResults(t.id).map((r) => healthJson(t.id, r)),
    localVolumes: [],
  };
}

function healthJson(taskId: string, r: HealthCheckResult): Record<string, unknown> {
  return {
    alive: r.alive,
    consecutiveFailures: r.consecutiveFailures,
    firstSuccess: iso(r.firstSuccess),
    lastSuccess: iso(r.lastSuccess),
    lastFailure: iso(r.lastFailure),
    lastFailureCause: r.lastFailureCause ?? null,
    instanceId: taskId,
    taskId,
  };
}

function taskFailureJson(f: TaskFailure): Record<string, unknown> {
  return {
    appId: f.appId,
    host: f.host,
    message: f.message,
    state: f.state,
    taskId: f.taskId,
    timestamp: iso(f.timestamp),
    version: f.version,
    slaveId: f.slaveId,
  };
}

const REASONS: readonly NoMatchReason[] = [
  'UnfulfilledRole',
  'UnfulfilledConstraint',
  'InsufficientCpus',
  'InsufficientMemory',
  'InsufficientDisk',
  'InsufficientGpus',
  'InsufficientPorts',
];

/** One GET /v2/queue entry: an app with instances waiting to be launched. */
export function queueEntryJson(view: MarathonView, rec: AppRecord, now: number): Record<string, unknown> {
  const until = view.delayedUntil(rec.spec.id);
  const stats = rec.offerStats;
  return {
    app: appJson(view, rec, { tasks: false, lastTaskFailure: false }),
    count: rec.launchWanted,
    delay: { timeLeftSeconds: until === undefined ? 0 : Math.ceil((until - now) / 1000), overdue: until === undefined },
    since: iso(rec.waitingSince ?? now),
    processedOffersSummary: {
      processedOffersCount: stats.processed,
      unusedOffersCount: stats.unused,
      ...(stats.lastUnusedAt === undefined ? {} : { lastUnusedOfferAt: iso(stats.lastUnusedAt) }),
      ...(stats.lastUsedAt === undefined ? {} : { lastUsedOfferAt: iso(stats.lastUsedAt) }),
      rejectSummaryLastOffers: REASONS.map((reason) => ({
        reason,
        declined: stats.rejections.get(reason) ?? 0,
        processed: stats.processed,
      })),
    },
    lastUnusedOffers: [],
  };
}

export const MARATHON_BUILDREF = 'minidc';

/**
 * GET /v2/info with the field set Marathon 1.11 prints (clients such as the `marathon` Python client build models
 * from it and reject fields they do not know). Values are minidc's where it has the setting, Marathon's defaults
 * where the setting has no counterpart here; `zookeeper_config` is nominal: minidc keeps Marathon's state in a
 * file, but Marathon always prints the section.
 */
export function infoJson(view: MarathonView, version: string, httpPort: number): Record<string, unknown> {
  const hostname = view.leader.replace(/:\d+$/, '');
  return {
    name: view.frameworkName,
    version,
    buildref: MARATHON_BUILDREF,
    elected: view.isRunning,
    leader: view.isRunning ? view.leader : null,
    frameworkId: view.frameworkId ?? null,
    marathon_config: {
      access_control_allow_origin: null,
      checkpoint: true,
      decline_offer_duration: view.declineOfferSeconds * 1000,
      default_network_name: null,
      env_vars_prefix: null,
      executor: '//cmd',
      failover_timeout: view.failoverTimeoutSecs,
      features: [],
      framework_name: view.frameworkName,
      ha: false,
      hostname,
      launch_token: view.launchTokens,
      launch_token_refresh_interval: view.launchTokenRefreshIntervalMs,
      leader_proxy_connection_timeout_ms: 5000,
      leader_proxy_read_timeout_ms: 10000,
      local_port_max: view.servicePortRange.max,
      local_port_min: view.servicePortRange.min,
      master: view.masterUrl ?? null,
      max_instances_per_offer: view.maxInstancesPerOffer,
      mesos_bridge_name: 'mesos-bridge',
      mesos_heartbeat_failure_threshold: 5,
      mesos_heartbeat_interval: 15000,
      mesos_leader_ui_url: view.masterUrl ?? null,
      mesos_role: view.frameworkRoles[0] ?? null,
      mesos_user: view.frameworkUser,
      min_revive_offers_interval: 5000,
      offer_matching_timeout: 3000,
      on_elected_prepare_timeout: 180000,
      reconciliation_initial_delay: 0,
      reconciliation_interval: view.reconciliationIntervalMs,
      revive_offers_for_new_apps: true,
      revive_offers_repetitions: 1,
      scale_apps_initial_delay: 15000,
      scale_apps_interval: 300000,
      store_cache: true,
      task_launch_confirm_timeout: 300000,
      task_launch_timeout: 300000,
      task_lost_expunge_initial_delay: 300000,
      task_lost_expunge_interval: 30000,
      task_reservation_timeout: 20000,
      webui_url: `http://${view.leader}`,
    },
    zookeeper_config: {
      zk: `zk://${hostname}:2181/marathon`,
      zk_compression: true,
      zk_compression_threshold: 65536,
      zk_connection_timeout: 10000,
      zk_max_node_size: 1024000,
      zk_max_versions: 50,
      zk_session_timeout: 10000,
      zk_timeout: 10000,
    },
    http_config: { http_port: httpPort, https_port: 8443 },
    event_subscriber: null,
  };
}
