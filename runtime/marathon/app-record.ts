/**
 * One app as the scheduler holds it: its current spec and versions, the deployment under way, and the
 * bookkeeping behind GET /v2/queue (how many instances wait for offers, since when, and why offers did not fit).
 */
import type { TaskState } from '../mesos/task-state.ts';
import type { Deployment } from './deployments.ts';
import type { NoMatchReason } from './resource-matcher.ts';
import type { RunSpec } from './run-spec.ts';

export interface TaskFailure {
  readonly appId: string;
  readonly taskId: string;
  readonly host: string;
  readonly slaveId: string;
  readonly state: TaskState;
  readonly message: string;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly version: string;
}

/** Offers looked at for an app while it waited (reset when it stops waiting). */
export class OfferStats {
  processed = 0;
  unused = 0;
  lastUsedAt: number | undefined;
  lastUnusedAt: number | undefined;
  readonly rejections = new Map<NoMatchReason, number>();

  /** The app was looked at for an offer: it used it, or not. */
  count(used: boolean, now: number): void {
    this.processed++;
    if (used) this.lastUsedAt = now;
    else {
      this.unused++;
      this.lastUnusedAt = now;
    }
  }

  reset(): void {
    this.processed = this.unused = 0;
    this.lastUsedAt = this.lastUnusedAt = undefined;
    this.rejections.clear();
  }
}

export interface AppRecord {
  spec: RunSpec;
  /** ISO timestamp of the latest change of any kind. */
  version: string;
  lastScalingAt: string;
  /** ISO timestamp of the latest change other than scaling: tasks launched before it are replaced. */
  lastConfigChangeAt: string;
  deployment: Deployment | undefined;
  /** Deleted; kept until its tasks are gone. Invisible to the API. */
  deleted: boolean;
  /** Specs of earlier config versions whose tasks still run (their health checks still apply to them). */
  readonly previousSpecs: Map<string, RunSpec>;
  lastTaskFailure: TaskFailure | undefined;
  /** Instances the plan wants launched now (set by each convergence pass). */
  launchWanted: number;
  /** Epoch ms since when it has been waiting for offers. */
  waitingSince: number | undefined;
  readonly offerStats: OfferStats;
}

export function newAppRecord(spec: RunSpec, version: string, lastScalingAt = version, lastConfigChangeAt = version): AppRecord {
  return {
    spec,
    version,
    lastScalingAt,
    lastConfigChangeAt,
    deployment: undefined,
    deleted: false,
    previousSpecs: new Map(),
    lastTaskFailure: undefined,
    launchWanted: 0,
    waitingSince: undefined,
    offerStats: new OfferStats(),
  };
}
