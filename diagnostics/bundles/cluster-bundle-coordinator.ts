/**
 * A cluster bundle, as dcos-diagnostics' v2 coordinator makes it: one node bundle id for all, a PUT of it on every
 * selected node (at most `concurrency` nodes at once), the node's status polled until it ends (every second by
 * default: DC/OS's one minute is for nodes that take minutes), each Done node zip downloaded and merged under
 * `<ip>_<role>/` as soon as it arrives, then `report.json`, `summaryReport.txt` (the diagnosis, then one line per
 * node and step as the legacy bundle) and, only with errors, `summaryErrorsReport.txt` at the root.
 *
 * Beyond the original: a node that fails or cannot be reached fails only its entry in report.json (the bundle is
 * Done); every node bundle made for it is deleted once merged, failed or canceled (DCOS_OSS-5470), so nothing is
 * left on the nodes; cancel stops polling and downloads at once; each request has a timeout and each node a limit.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Clock } from '../../runtime/time/clock.ts';
import type { ClusterNodeRef } from '../cluster/cluster-node.ts';
import type { BundleJobs, BundleWorkContext } from './bundle-jobs.ts';
import type { Bundle, BundleStatus } from './bundle-store.ts';
import { ClusterZipWriter } from './cluster-zip-writer.ts';
import { goNowString } from './go-time.ts';
import { NODE_BUNDLES } from './node-bundle-plugin.ts';
import { SUMMARY_ERRORS_FILE } from './node-bundle-work.ts';
import { selectNodes, type NodeSelection } from './node-selection.ts';
import { eachBounded } from '../each-bounded.ts';
import { fetchFailureCause } from '../../collectors/http-source.ts';

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_NODE_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_NODE_CONCURRENCY = 10;
/** A node's zip larger than this fails that node: one node must not fill the master's disk. */
export const DEFAULT_MAX_NODE_BUNDLE_BYTES = 4 * 1024 ** 3;
/** A node's status body is one bundle object. */
const MAX_STATUS_BYTES = 64 * 1024;

export interface ClusterBundleCoordinatorOptions {
  jobs: BundleJobs;
  discovery: { nodes(): Promise<ClusterNodeRef[]> };
  /** Base URL of a node's diagnostics server; undefined when not known. */
  nodeUrl: (node: ClusterNodeRef) => string | undefined;
  /** The text `summaryReport.txt` opens with: what is wrong in the cluster, read by a person first. */
  diagnosis: () => Promise<string>;
  clock: Clock;
  pollIntervalMs?: number;
  /** How long one node may take, from its PUT to its zip downloaded. */
  nodeTimeoutMs?: number;
  /** Each PUT, status GET and DELETE. */
  requestTimeoutMs?: number;
  concurrency?: number;
  /** Largest node zip downloaded, bytes (default 4 GiB). */
  maxNodeBundleBytes?: number;
}

/** What the legacy status shows of a job under way (or last run by this process). */
export interface ClusterBundleProgress {
  percent: number;
  /** The last step (`GET <url>`), or the legacy start text. */
  status: string;
  startedWallMs: number;
  startedMonotonicMs: number;
  endedWallMs?: number;
  endedMonotonicMs?: number;
}

interface NodeOutcome {
  status: 'Done' | 'Failed';
  error?: string;
}

const TERMINAL: ReadonlySet<BundleStatus> = new Set(['Done', 'Failed', 'Canceled', 'Deleted', 'Unknown']);

export class ClusterBundleCoordinator {
  private readonly progress = new Map<string, ClusterBundleProgress>();

  constructor(private readonly options: ClusterBundleCoordinatorOptions) {}

  /** Starts a cluster bundle over the selected nodes; 503 when a selector matches no node, 409 if the id exists. */
  async start(id: string, selection: NodeSelection): Promise<Bundle> {
    const nodes = selectNodes(await this.options.discovery.nodes(), selection);
    return this.options.jobs.start(id, 'Cluster', (ctx) => this.collect(ctx, nodes));
  }

  progressOf(id: string): ClusterBundleProgress | undefined {
    return this.progress.get(id);
  }

  /**
   * Deletes, on every node, the node bundles of cluster bundles a crash interrupted (`recover`'s ids), so a kill -9
   * mid-bundle leaves nothing on the nodes either. Nodes may still be starting or registering: up to `attempts`
   * rounds `retryMs` apart, each discovering the nodes afresh and trying those not yet clean; a 404 is clean.
   * Resolves with the `ip: why` of nodes left unclean.
   */
  async deleteInterrupted(ids: readonly string[], signal: AbortSignal, attempts = 10, retryMs = 3000): Promise<string[]> {
    const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const clean = new Set<string>();
    let unclean = new Map<string, string>();
    for (let attempt = 0; attempt < attempts && ids.length > 0 && !signal.aborted; attempt++) {
      if (attempt > 0) await sleep(retryMs, undefined, { signal }).catch(() => undefined);
      unclean = new Map();
      const nodes = await this.options.discovery.nodes().catch((err: Error) => {
        unclean.set('discovery', err.message);
        return [];
      });
      await eachBounded(
        nodes.filter((n) => !clean.has(n.ip)),
        this.options.concurrency ?? DEFAULT_NODE_CONCURRENCY,
        async (node) => {
          const base = this.options.nodeUrl(node);
          if (base === undefined) return void unclean.set(node.ip, 'its diagnostics address is not known');
          for (const id of ids) {
            const outcome = await fetch(`${base}${NODE_BUNDLES}/${id}`, { method: 'DELETE', signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) }).then(
              async (r) => (await r.body?.cancel(), r.status),
              (err: Error) => err.message,
            );
            if (outcome !== 200 && outcome !== 404) return void unclean.set(node.ip, `DELETE of node bundle ${id}: ${outcome}`);
          }
          clean.add(node.ip);
        },
      );
      // Never after the first round alone: agents a restarted master has not re-registered yet are not listed in it.
      if (unclean.size === 0 && attempt > 0) break;
    }
    return [...unclean].map(([where, why]) => `${where}: ${why}`);
  }

  private async collect({ id, tempPath, signal }: BundleWorkContext, nodes: ClusterNodeRef[]): Promise<{ errors: string[] }> {
    const { clock } = this.options;
    const store = this.options.jobs.store;
    const progress: ClusterBundleProgress = {
      percent: 0,
      status: `Diagnostics job started, archive will be available at: ${store.zipPath(id)}`,
      startedWallMs: clock.wallMs(),
      startedMonotonicMs: clock.now(),
    };
    this.progress.set(id, progress);
    const run = new ClusterBundleRun(this.options, id, signal, store.workDir(id), new ClusterZipWriter(tempPath), progress);
    try {
      await mkdir(run.workDir, { recursive: true, mode: 0o700 });
      let finished = 0;
      // Every node's work ends before this settles, so on a cancel none races the clean-up of the node bundles.
      const failure = await eachBounded(nodes, this.options.concurrency ?? DEFAULT_NODE_CONCURRENCY, async (node) => {
        await run.collectNode(node);
        progress.percent = Math.floor((++finished / nodes.length) * 100);
      }).then(
        () => undefined,
        (err: unknown) => err,
      );
      signal.throwIfAborted();
      if (failure !== undefined) throw failure;
      return await run.finish();
    } catch (err) {
      await run.zip.abort();
      throw err;
    } finally {
      await run.deleteNodeBundles();
      await rm(run.workDir, { recursive: true, force: true });
      progress.percent = 100;
      progress.endedWallMs = clock.wallMs();
      progress.endedMonotonicMs = clock.now();
    }
  }
}

/** One cluster bundle in the making: its nodes' outcomes, its event lines, the node bundles still to delete. */
class ClusterBundleRun {
  private readonly report: Record<string, NodeOutcome> = {};
  private readonly events: string[] = [];
  private readonly failures: string[] = [];
  private readonly nodeErrorTexts: string[] = [];
  /** Node bundle URLs created and not deleted yet. */
  private readonly undeleted = new Set<string>();

  constructor(
    private readonly options: ClusterBundleCoordinatorOptions,
    private readonly id: string,
    private readonly signal: AbortSignal,
    readonly workDir: string,
    readonly zip: ClusterZipWriter,
    private readonly progress: ClusterBundleProgress,
  ) {}

  async collectNode(node: ClusterNodeRef): Promise<void> {
    this.event(`START collecting logs ${node.ip}`);
    const base = this.options.nodeUrl(node);
    // The node bundles take the cluster bundle's id, so those a crash left behind can be found and deleted.
    const url = base === undefined ? undefined : `${base}${NODE_BUNDLES}/${this.id}`;
    try {
      if (url === undefined) throw new Error('its diagnostics address is not known');
      const deadline = this.options.clock.now() + (this.options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS);
      await this.request('PUT', url, JSON.stringify({ type: 'Local' }));
      this.undeleted.add(url);
      this.event(`PUT ${url}`);
      await this.waitForDone(url, deadline);
      const nodeZip = join(this.workDir, `${node.ip}_${node.role}.zip`);
      await this.download(`${url}/file`, nodeZip, deadline);
      this.event(`GET ${url}/file`);
      const errors = await this.zip.addNodeZip(`${node.ip}_${node.role}/`, nodeZip, this.signal);
      if (errors !== undefined && errors.trim() !== '') this.nodeErrorTexts.push(errors.endsWith('\n') ? errors : `${errors}\n`);
      await rm(nodeZip, { force: true });
      this.report[node.ip] = { status: 'Done' };
    } catch (err) {
      if (this.signal.aborted) throw err;
      const error = (err as Error).message;
      this.report[node.ip] = { status: 'Failed', error };
      this.failures.push(`${node.ip}: ${error}`);
      this.event(`FAILED collecting logs ${node.ip}`, error);
    }
    if (url !== undefined && this.undeleted.has(url)) await this.deleteNodeBundle(url);
  }

  /** The root files and the closed zip; node failures are the bundle's errors (its status is still Done). */
  async finish(): Promise<{ errors: string[] }> {
    let diagnosis: string;
    try {
      diagnosis = await this.options.diagnosis();
    } catch (err) {
      diagnosis = `The diagnosis could not be made: ${(err as Error).message}`;
      this.failures.push(`diagnosis: ${(err as Error).message}`);
    }
    await this.zip.addText('report.json', `${JSON.stringify({ id: this.id, nodes: this.report })}\n`);
    await this.zip.addText('summaryReport.txt', `${diagnosis.trimEnd()}\n\n${this.events.join('')}`);
    const errorsText = this.nodeErrorTexts.join('') + this.failures.map((f) => `${f}\n`).join('');
    if (errorsText !== '') await this.zip.addText(SUMMARY_ERRORS_FILE, errorsText);
    await this.zip.close();
    return { errors: this.failures };
  }

  /** Deletes what is left on the nodes (after a cancel, a failure or a timeout), each under its own timeout. */
  async deleteNodeBundles(): Promise<void> {
    await Promise.all([...this.undeleted].map((url) => this.deleteNodeBundle(url)));
  }

  private async deleteNodeBundle(url: string): Promise<void> {
    try {
      await this.request('DELETE', url, undefined, AbortSignal.timeout(this.requestTimeoutMs));
      this.undeleted.delete(url);
      this.event(`DELETE ${url}`);
    } catch (err) {
      this.event(`DELETE ${url}`, (err as Error).message);
    }
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private async waitForDone(url: string, deadline: number): Promise<void> {
    for (;;) {
      await sleep(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, undefined, { signal: this.signal });
      const response = await this.request('GET', url);
      const text = await response.text();
      if (text.length > MAX_STATUS_BYTES) throw new Error(`GET ${url}: status larger than ${MAX_STATUS_BYTES} bytes`);
      const state = JSON.parse(text) as Partial<Bundle>;
      if (state.status === 'Done') return;
      if (state.status !== undefined && TERMINAL.has(state.status))
        throw new Error(`the node bundle is ${state.status}${state.errors?.length ? `: ${state.errors.join('; ')}` : ''}`);
      if (this.options.clock.now() > deadline) throw new Error(`the node bundle was not done within ${this.options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS} ms`);
    }
  }

  private async download(url: string, to: string, deadline: number): Promise<void> {
    const left = Math.max(1, Math.ceil(deadline - this.options.clock.now()));
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(left)]);
    const response = await this.request('GET', url, undefined, signal);
    if (response.body === null) throw new Error(`GET ${url}: no body`);
    const max = this.options.maxNodeBundleBytes ?? DEFAULT_MAX_NODE_BUNDLE_BYTES;
    let bytes = 0;
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(bytes > max ? new Error(`GET ${url}: the node bundle is larger than ${max} bytes`) : null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), capped, createWriteStream(to, { mode: 0o600 }), { signal });
  }

  /** One request to a node; rejects on a transport error, a timeout or a non-200 answer (naming the URL). */
  private async request(method: string, url: string, body?: string, signal?: AbortSignal): Promise<Response> {
    const s = signal ?? AbortSignal.any([this.signal, AbortSignal.timeout(this.requestTimeoutMs)]);
    let response: Response;
    try {
      response = await fetch(url, { method, signal: s, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
    } catch (err) {
      if (this.signal.aborted && signal === undefined) throw this.signal.reason;
      throw new Error(`${method} ${url}: ${s.aborted ? 'timed out' : fetchFailureCause(err)}`);
    }
    if (response.status !== 200) {
      const text = (await response.text().catch(() => '')).slice(0, 500);
      throw new Error(`${method} ${url}: HTTP ${response.status} ${text}`.trimEnd());
    }
    return response;
  }

  private event(what: string, error?: string): void {
    const { clock } = this.options;
    this.events.push(`${goNowString(clock.wallMs(), clock.now())} [${what}] ${error ?? '<nil>'} \n`);
    if (error === undefined) this.progress.status = what;
  }
}
