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

export function infoJson(view: MarathonView, version: string, httpPort: number): Record<string, unknown> {
  return {
    name: view.frameworkName,
    version,
    buildref: MARATHON_BUILDREF,
    elected: view.isRunning,
    leader: view.isRunning ? view.leader : null,
    frameworkId: view.frameworkId ?? null,
    marathon_config: {
      master: view.masterUrl ?? null,
      framework_name: view.frameworkName,
      mesos_role: view.frameworkRoles[0] ?? null,
      default_accepted_resource_roles: [...view.acceptedRolesDefault],
      failover_timeout: view.failoverTimeoutSecs,
      checkpoint: true,
      executor: '//cmd',
      hostname: view.leader.replace(/:\d+$/, ''),
      local_port_min: view.servicePortRange.min,
      local_port_max: view.servicePortRange.max,
      decline_offer_duration: view.declineOfferSeconds * 1000,
      features: [],
    },
    http_config: { http_port: httpPort },
    event_subscriber: null,
  };
}
