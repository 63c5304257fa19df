/**
 * The legacy `…/report/diagnostics/status` (reference A.4): dcos-diagnostics' one in-memory job, here read from
 * the v2 machinery — "the job" is the cluster bundle running now (the newest, should v2 have started several), else
 * the newest cluster bundle in the store, whichever façade started it. Its progress (percent, last step, Go
 * times) comes from the coordinator while this process ran it; a bundle left from an earlier run is told from its
 * state.json alone (times without Go's monotonic part, as Go prints a time read back from disk).
 *
 * Fields and texts are dcos-diagnostics': `errors`, `job_ended` and `job_duration` are left out while they are
 * empty (running: not ended yet), `job_progress_percentage` is -1 and the times are Go's zero time before any job
 * ran. A Done bundle with node errors is "Diagnostics job failed", as the original said of a job with errors even
 * though its zip was kept (it is listed and served; `errors` says what failed).
 */
import type { BundleJobs } from './bundle-jobs.ts';
import { ZERO_TIME, type Bundle } from './bundle-store.ts';
import type { ClusterBundleCoordinator, ClusterBundleProgress } from './cluster-bundle-coordinator.ts';
import { DEFAULT_COLLECTOR_TIMEOUT_MS, DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_JOURNAL_SINCE_MS } from './content/node-bundle-content.ts';
import { goDurationString, goNowString } from './go-time.ts';
import { goTimeString } from '../health/journal-lines.ts';

/** `bundleReportStatus`, fields in dcos-diagnostics' order. */
export interface LegacyJobStatus {
  is_running: boolean;
  status: string;
  errors?: string[];
  last_bundle_dir: string;
  job_started: string;
  job_ended?: string;
  job_duration?: string;
  job_progress_percentage: number;
  diagnostics_bundle_dir: string;
  diagnostics_job_timeout_min: number;
  journald_logs_since_hours: string;
  diagnostics_job_get_since_url_timeout_min: number;
  command_exec_timeout_sec: number;
  diagnostics_partition_disk_usage_percent: number;
}

/** What node bundles are collected with, for the status's config fields; each defaults to the content's default. */
export interface LegacyCollectionSettings {
  journalSinceMs?: number;
  collectorTimeoutMs?: number;
  commandTimeoutMs?: number;
}

export const LEGACY_STATUS_TEXT = {
  done: 'Diagnostics job successfully collected all data',
  doneWithErrors: 'Diagnostics job failed',
  failed: 'Job failed',
  canceled: 'Job canceled',
} as const;

/** Go's `time.Time{}.String()`. */
const GO_ZERO_TIME = goTimeString(Date.parse(ZERO_TIME));
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export async function legacyJobStatus(jobs: BundleJobs, coordinator: ClusterBundleCoordinator, settings: LegacyCollectionSettings = {}): Promise<LegacyJobStatus> {
  const { store } = jobs;
  const job = await currentJob(jobs, coordinator);
  const config = {
    diagnostics_bundle_dir: store.dir,
    // Whole minutes and seconds, as Go's ints: rounded up, so a timeout is never reported as 0.
    diagnostics_job_timeout_min: Math.ceil(jobs.timeoutMs / MINUTE_MS),
    journald_logs_since_hours: durationFlag(settings.journalSinceMs ?? DEFAULT_JOURNAL_SINCE_MS),
    diagnostics_job_get_since_url_timeout_min: Math.ceil((settings.collectorTimeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS) / MINUTE_MS),
    command_exec_timeout_sec: Math.ceil((settings.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS) / 1000),
    // Go logs a failed disk.Usage and reports 0 (the directory exists only once a bundle was made).
    diagnostics_partition_disk_usage_percent: await store.diskUsagePercent().catch(() => 0),
  };
  if (job === undefined)
    return { is_running: false, status: '', last_bundle_dir: '', job_started: GO_ZERO_TIME, job_ended: GO_ZERO_TIME, job_duration: '0s', job_progress_percentage: -1, ...config };

  const { bundle, progress } = job;
  const running = jobs.isRunning(bundle.id);
  const errors = bundle.errors?.length ? { errors: bundle.errors } : {};
  const started = progress ? goNowString(progress.startedWallMs, progress.startedMonotonicMs) : storedTime(bundle.started_at);
  const base = { is_running: running, status: statusText(bundle, progress, running, store.zipPath(bundle.id)), ...errors, last_bundle_dir: store.zipPath(bundle.id), job_started: started };
  if (running) return { ...base, job_progress_percentage: progress?.percent ?? 0, ...config };
  return { ...base, ...ending(bundle, progress), job_progress_percentage: progress?.percent ?? 100, ...config };
}

interface CurrentJob {
  bundle: Bundle;
  progress: ClusterBundleProgress | undefined;
}

async function currentJob(jobs: BundleJobs, coordinator: ClusterBundleCoordinator): Promise<CurrentJob | undefined> {
  const running = new Set(jobs.runningIds('Cluster'));
  const cluster = (await jobs.store.list()).filter((b) => b.type === 'Cluster' && (running.size === 0 || running.has(b.id)));
  let newest: CurrentJob | undefined;
  let newestStart = -Infinity;
  for (const bundle of cluster) {
    const progress = coordinator.progressOf(bundle.id);
    const start = progress?.startedWallMs ?? Date.parse(bundle.started_at);
    if (start >= newestStart) [newest, newestStart] = [{ bundle, progress }, start];
  }
  return newest;
}

function statusText(bundle: Bundle, progress: ClusterBundleProgress | undefined, running: boolean, zipPath: string): string {
  if (running) return progress?.status ?? `Diagnostics job started, archive will be available at: ${zipPath}`;
  switch (bundle.status) {
    case 'Done':
    case 'Deleted':
      return bundle.errors?.length ? LEGACY_STATUS_TEXT.doneWithErrors : LEGACY_STATUS_TEXT.done;
    case 'Canceled':
      return LEGACY_STATUS_TEXT.canceled;
    default:
      return LEGACY_STATUS_TEXT.failed;
  }
}

function ending(bundle: Bundle, progress: ClusterBundleProgress | undefined): { job_ended: string; job_duration: string } {
  if (progress?.endedWallMs !== undefined && progress.endedMonotonicMs !== undefined)
    return {
      job_ended: goNowString(progress.endedWallMs, progress.endedMonotonicMs),
      job_duration: goDurationString(progress.endedMonotonicMs - progress.startedMonotonicMs),
    };
  if (bundle.stopped_at === ZERO_TIME) return { job_ended: GO_ZERO_TIME, job_duration: '0s' };
  return {
    job_ended: storedTime(bundle.stopped_at),
    job_duration: goDurationString(Math.max(0, Date.parse(bundle.stopped_at) - Date.parse(bundle.started_at))),
  };
}

function storedTime(rfc3339: string): string {
  return goTimeString(Date.parse(rfc3339));
}

/** A duration as the flag was written (`24h`), where Go's Duration.String would say `24h0m0s`. */
function durationFlag(ms: number): string {
  return ms > 0 && ms % HOUR_MS === 0 ? `${ms / HOUR_MS}h` : goDurationString(ms);
}
