/**
 * The master's pull of every node's `/system/health/v1`: at start, then `intervalMs` after each pull ends (never
 * stacked), each node under its own timeout with at most `concurrency` requests in flight. Each node's answer goes
 * into the report as soon as it arrives, so a stalled node holds one slot until its timeout and delays no other
 * node's health. A node that cannot be polled (refused, timed out, non-200, not a health body) is health 3.
 *
 * Two views of the result: `report()`, live (each node's answer is in it as soon as it arrives), and `served()`,
 * what the HTTP routes answer: the report of the last complete pull, whose bytes are built once and shared by
 * every request until the next pull ends (a stalled node thus holds the routes' view back by its timeout at most).
 */
import { setMaxListeners } from 'node:events';
import { eachBounded } from '../each-bounded.ts';
import type { Time } from '../../runtime/time/clock.ts';
import type { NodeHealthResponse } from '../health/node-health.ts';
import type { ClusterNodeRef, NodePull } from './cluster-node.ts';
import { fetchNodeHealth } from './node-health-fetch.ts';
import { buildClusterReport, EMPTY_REPORT, type ClusterReport } from './cluster-report.ts';
import { ServedReport } from './served-report.ts';

export const DEFAULT_PULL_INTERVAL_MS = 15_000;
export const DEFAULT_PULL_TIMEOUT_MS = 3000;
export const DEFAULT_PULL_CONCURRENCY = 32;
/** A node's health body is a few KB per unit (50 journal lines each when unhealthy). */
const MAX_NODE_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface ClusterHealthPullerOptions {
  discovery: { nodes(): Promise<ClusterNodeRef[]> };
  /** Base URL of a node's diagnostics server (`http://ip:port`); undefined when it is not known. */
  nodeUrl: (node: ClusterNodeRef) => string | undefined;
  time: Time;
  intervalMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** Told of a pull that failed as a whole (discovery threw). */
  onError?: (error: unknown) => void;
}

export class ClusterHealthPuller {
  private readonly pulls = new Map<string, NodePull>();
  private cached: ClusterReport | undefined;
  /** A node's answer came in (or a node left) since the last complete pull: `report()` is no longer `served`'s. */
  private changedSincePull = false;
  private servedReport = new ServedReport(() => EMPTY_REPORT, undefined);
  private stopLoop: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private abort = pullAbortController();
  /** Wall-clock ms when the last pull ended; undefined before the first. */
  lastPullWallMs: number | undefined;

  constructor(private readonly options: ClusterHealthPullerOptions) {
    const concurrency = options.concurrency ?? DEFAULT_PULL_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }

  start(): void {
    if (this.stopLoop) return;
    this.abort = pullAbortController();
    this.stopLoop = this.options.time.every(this.options.intervalMs ?? DEFAULT_PULL_INTERVAL_MS, () => this.running ?? this.pull(), {
      immediately: true,
    });
  }

  /** Stops the loop and cuts the pull under way. */
  async stop(): Promise<void> {
    this.stopLoop?.();
    this.stopLoop = undefined;
    this.abort.abort();
    await Promise.allSettled([this.running, this.queued]);
  }

  /** A fresh pull (`?cache=0`): one starting after the pull under way, if any; concurrent callers share it. */
  pullNow(): Promise<void> {
    if (this.running === undefined) return this.pull();
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.pull();
    });
    return this.queued;
  }

  /** The report as it stands, mid-pull included. */
  report(): ClusterReport {
    if (!this.changedSincePull) return this.servedReport.report;
    this.cached ??= buildClusterReport([...this.pulls.values()], this.lastPullWallMs);
    return this.cached;
  }

  /** The last complete pull's report, as the routes serve it. */
  served(): ServedReport {
    return this.servedReport;
  }

  private pull(): Promise<void> {
    // Never rejects: a pull that fails as a whole is reported, and the last report stays what is served.
    const run = this.pullAll()
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }

  private async pullAll(): Promise<void> {
    const nodes = await this.options.discovery.nodes();
    const wanted = new Set(nodes.map((n) => n.ip));
    for (const ip of this.pulls.keys()) if (!wanted.has(ip)) this.pulls.delete(ip);
    this.changed();
    await eachBounded(
      nodes,
      this.options.concurrency ?? DEFAULT_PULL_CONCURRENCY,
      async (node) => {
        const pull = await this.pullNode(node);
        if (this.abort.signal.aborted) return;
        this.pulls.set(node.ip, pull);
        this.changed();
      },
      () => this.abort.signal.aborted,
    );
    if (this.abort.signal.aborted) return;
    const pulledAt = this.options.time.wallMs();
    const pulls = [...this.pulls.values()];
    this.lastPullWallMs = pulledAt;
    this.servedReport = new ServedReport(() => buildClusterReport(pulls, pulledAt), pulledAt);
    this.cached = undefined;
    this.changedSincePull = false;
  }

  private changed(): void {
    this.cached = undefined;
    this.changedSincePull = true;
  }

  private async pullNode(node: ClusterNodeRef): Promise<NodePull> {
    const at = () => this.options.time.wallMs();
    const base = this.options.nodeUrl(node);
    if (base === undefined) return { node, response: undefined, error: 'its diagnostics address is not known', at: at() };
    try {
      const body = await fetchNodeHealth(`${base}/system/health/v1`, {
        timeoutMs: this.options.timeoutMs ?? DEFAULT_PULL_TIMEOUT_MS,
        maxBytes: MAX_NODE_RESPONSE_BYTES,
        signal: this.abort.signal,
      });
      if (!isNodeHealthResponse(body)) return { node, response: undefined, error: 'the answer is not a node health response', at: at() };
      return { node, response: body, at: at() };
    } catch (err) {
      return { node, response: undefined, error: (err as Error).message, at: at() };
    }
  }
}

/** The pull's cancel, listened to by every request in flight (up to `concurrency`, more than node's warning level). */
function pullAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

function isNodeHealthResponse(body: unknown): body is NodeHealthResponse {
  if (typeof body !== 'object' || body === null) return false;
  const units = (body as { units?: unknown }).units;
  return (
    Array.isArray(units) &&
    units.every((u) => typeof u === 'object' && u !== null && typeof u.id === 'string' && typeof u.health === 'number' && typeof u.output === 'string')
  );
}
