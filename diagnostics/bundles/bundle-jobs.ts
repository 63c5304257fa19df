/**
 * The life of a bundle being made, node or cluster alike: created Started, InProgress once its work runs, then
 * Done (zip renamed into place), Failed (an error, the whole-bundle timeout, the unit stopping) or Canceled (a
 * DELETE while running). Every way out of the work removes its temp files, so nothing partial is ever listed.
 * Cancel aborts the work's signal and waits for it to end: once `cancel` resolves nothing of the bundle runs.
 */
import type { Bundle, BundleStore, BundleType } from './bundle-store.ts';

/** What one bundle's work is given. */
export interface BundleWorkContext {
  id: string;
  /** Where the zip goes; the work leaves it whole and fsynced when it resolves, and removes it when it fails. */
  tempPath: string;
  signal: AbortSignal;
}

/** Makes the zip; resolves with the errors to record (a bundle with errors is still Done), rejects to fail it. */
export type BundleWork = (ctx: BundleWorkContext) => Promise<{ errors: string[] }>;

export const DEFAULT_BUNDLE_TIMEOUT_MS = 30 * 60_000;

export interface BundleJobsOptions {
  store: BundleStore;
  /** Whole-bundle timeout; default 30 min (DC/OS: 720 min, which let a stuck bundle hold its job for half a day). */
  timeoutMs?: number;
  /** Told of a failure to record a bundle's end (its state file could not be written). */
  onError?: (error: unknown) => void;
}

class Canceled extends Error {}
class Stopped extends Error {}

interface RunningJob {
  type: BundleType;
  controller: AbortController;
  done: Promise<void>;
}

export class BundleJobs {
  private readonly running = new Map<string, RunningJob>();
  /** The whole-bundle timeout (the legacy status reports it). */
  readonly timeoutMs: number;

  constructor(private readonly options: BundleJobsOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_BUNDLE_TIMEOUT_MS;
  }

  get store(): BundleStore {
    return this.options.store;
  }

  /** Creates the bundle (409 if the id exists, 507 when the disk is nearly full) and starts its work. */
  async start(id: string, type: BundleType, work: BundleWork): Promise<Bundle> {
    const bundle = await this.store.create(id, type);
    const controller = new AbortController();
    const done = this.run(id, work, controller).finally(() => this.running.delete(id));
    this.running.set(id, { type, controller, done });
    await this.store.enforceRetention().catch((err: unknown) => this.options.onError?.(err));
    return bundle;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Bundles running in this process (of one type). */
  runningIds(type?: BundleType): string[] {
    return [...this.running].filter(([, job]) => type === undefined || job.type === type).map(([id]) => id);
  }

  /** Stops a running bundle (Canceled); false when it was not running in this process. */
  async cancel(id: string): Promise<boolean> {
    const job = this.running.get(id);
    if (job === undefined) return false;
    job.controller.abort(new Canceled(`bundle ${id} was canceled`));
    await job.done;
    return true;
  }

  /**
   * DELETE as dcos-diagnostics: a running bundle is canceled, a finished one loses its zip and becomes Deleted (its
   * state stays, so the id is not reused); an already Deleted or Canceled one is answered as it is. undefined when
   * there is no such bundle.
   */
  async delete(id: string): Promise<Bundle | undefined> {
    if (await this.cancel(id)) return this.store.get(id);
    const bundle = await this.store.get(id);
    if (bundle === undefined || bundle.status === 'Deleted' || bundle.status === 'Canceled') return bundle;
    await this.store.removeFiles(id);
    return this.store.update(id, { status: 'Deleted' });
  }

  /** Ends every running bundle (Failed: the unit stopped) and waits for them. */
  async stop(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const job of jobs) job.controller.abort(new Stopped('dcos-diagnostics stopped while the bundle was being created'));
    await Promise.all(jobs.map((j) => j.done));
  }

  private async run(id: string, work: BundleWork, controller: AbortController): Promise<void> {
    const { store } = this;
    const timer = setTimeout(() => controller.abort(new Error(`bundle ${id} did not finish within ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      await store.update(id, { status: 'InProgress' });
      const { errors } = await work({ id, tempPath: store.tempZipPath(id), signal: controller.signal });
      controller.signal.throwIfAborted();
      await store.commitZip(id);
      await store.update(id, { status: 'Done', stopped_at: store.now(), errors });
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      try {
        await store.removeWork(id);
        await store.update(id, {
          status: reason instanceof Canceled ? 'Canceled' : 'Failed',
          stopped_at: store.now(),
          ...(reason instanceof Canceled ? {} : { errors: [(reason as Error).message] }),
        });
      } catch (recordErr) {
        this.options.onError?.(recordErr);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
