/**
 * Where bundles live, in dcos-diagnostics' v2 layout: `<dir>/<id>/state.json` (0600, replaced atomically) and
 * `<dir>/<id>/file.zip`, written as `file.zip.tmp` and renamed only once whole, so a listed or served file is never
 * partial. Directories are 0700. Local (node) and cluster bundles share the directory, as in DC/OS.
 *
 * What DC/OS got wrong and this store does not: a bundle whose process died mid-work stayed `Started` forever
 * (DCOS-57879) — `recover()` at start marks it Failed and removes its temp files (and a directory a kill left
 * without state); bundles piled up until the disk filled — `create()` refuses (507) when the filesystem is nearly
 * full, and `enforceRetention()` keeps the newest N.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/storage/atomic-file.ts';
import type { Clock } from '../../runtime/time/clock.ts';

export type BundleType = 'Local' | 'Cluster';
export type BundleStatus = 'Unknown' | 'Started' | 'InProgress' | 'Done' | 'Canceled' | 'Deleted' | 'Failed';

/** state.json, and (with `size`) the bundle object of the v2 API, fields in dcos-diagnostics' order. */
export interface Bundle {
  id: string;
  type: BundleType;
  /** Bytes of file.zip; absent when there is none to serve. */
  size?: number;
  status: BundleStatus;
  /** RFC 3339; Go's zero time when unset. */
  started_at: string;
  stopped_at: string;
  errors?: string[];
}

/** Go's zero `time.Time`, which dcos-diagnostics prints for a time never set. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
export const INTERRUPTED_ERROR = 'interrupted: dcos-diagnostics restarted while the bundle was being created';
export const DEFAULT_RETENTION = 10;
/** A new bundle is refused above this share of the filesystem used (percent). */
export const MAX_USED_PERCENT = 90;

/** At most 100 characters: the routes' limit on a path parameter (longer is a 414 before any handler). */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const RUNNING: ReadonlySet<BundleStatus> = new Set(['Started', 'InProgress']);
/** Files of a bundle in the making, removed when it did not finish: the zip under its temp name, node zips. */
const WORK_FILES = ['file.zip.tmp', 'nodes'];

/** A failure the HTTP layer answers with `code` (dcos-diagnostics' status for it). */
export class BundleError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function isBundleId(id: string): boolean {
  return ID.test(id);
}

export function isRunning(status: BundleStatus): boolean {
  return RUNNING.has(status);
}

export interface BundleStoreOptions {
  dir: string;
  clock: Pick<Clock, 'wallMs'>;
  /** Bundles kept (newest by start); older finished ones are removed. Default 10. */
  retention?: number;
  /** A new bundle is refused while the filesystem has less free than this, bytes. Default 0. */
  minFreeBytes?: number;
}

export class BundleStore {
  readonly dir: string;

  constructor(private readonly options: BundleStoreOptions) {
    this.dir = options.dir;
    const retention = options.retention ?? DEFAULT_RETENTION;
    if (!Number.isInteger(retention) || retention < 1) throw new RangeError(`retention must be a positive integer, got ${retention}`);
  }

  bundleDir(id: string): string {
    assertId(id);
    return join(this.dir, id);
  }

  zipPath(id: string): string {
    return join(this.bundleDir(id), 'file.zip');
  }

  tempZipPath(id: string): string {
    return join(this.bundleDir(id), 'file.zip.tmp');
  }

  /** A scratch directory of a bundle being made (the node zips a cluster bundle merges); removed with its work. */
  workDir(id: string): string {
    return join(this.bundleDir(id), 'nodes');
  }

  now(): string {
    return new Date(this.options.clock.wallMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** A new bundle, Started. 409 if the id exists, 507 if the disk is nearly full or the directory cannot be made. */
  async create(id: string, type: BundleType): Promise<Bundle> {
    assertId(id);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.checkDisk(id);
    try {
      await mkdir(this.bundleDir(id), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BundleError(409, `bundle ${id} already exists`);
      throw new BundleError(507, `could not create bundle ${id} workdir: ${(err as Error).message}`);
    }
    const bundle: Bundle = { id, type, status: 'Started', started_at: this.now(), stopped_at: ZERO_TIME };
    try {
      await this.write(bundle);
    } catch (err) {
      throw new BundleError(507, `could not create bundle ${id} workdir: ${(err as Error).message}`);
    }
    return bundle;
  }

  /** The bundle with its current size; undefined when there is no such bundle. Throws (500) when state is unreadable. */
  async get(id: string): Promise<Bundle | undefined> {
    assertId(id);
    let text: string;
    try {
      text = await readFile(join(this.bundleDir(id), 'state.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (await exists(this.bundleDir(id))) throw new BundleError(500, `bundle ${id} has no state`);
        return undefined;
      }
      throw new BundleError(500, `could not read bundle ${id} state: ${(err as Error).message}`);
    }
    let state: Bundle;
    try {
      state = parseState(id, text);
    } catch (err) {
      throw new BundleError(500, `could not read bundle ${id} state: ${(err as Error).message}`);
    }
    if (state.status === 'Done' || isRunning(state.status)) {
      const size = await stat(state.status === 'Done' ? this.zipPath(id) : this.tempZipPath(id)).then((s) => s.size, () => undefined);
      if (size !== undefined) return withSize(state, size);
    }
    return state;
  }

  /** Every bundle, oldest first; a bundle whose state cannot be read is listed as Unknown with the error. */
  async list(): Promise<Bundle[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && isBundleId(d.name)).map((d) => d.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new BundleError(507, `could not read the bundle directory: ${(err as Error).message}`);
    }
    const bundles = await Promise.all(
      names.map(async (id) => {
        try {
          return (await this.get(id)) ?? unknown(id, 'no state');
        } catch (err) {
          return unknown(id, (err as Error).message);
        }
      }),
    );
    return bundles.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
  }

  /** Replaces fields of the stored state (never `id`). */
  async update(id: string, patch: Partial<Omit<Bundle, 'id' | 'size'>>): Promise<Bundle> {
    const current = await this.get(id);
    if (current === undefined) throw new BundleError(404, `bundle ${id} not found`);
    const next: Bundle = { ...current, ...patch };
    delete next.size;
    await this.write(next);
    return next;
  }

  /** Moves the finished temp zip into place (the file is already fsynced by its writer) and makes that durable. */
  async commitZip(id: string): Promise<void> {
    await rename(this.tempZipPath(id), this.zipPath(id));
    await syncDir(this.bundleDir(id));
  }

  /** Removes the bundle's zip and any work files; its state stays (as dcos-diagnostics keeps Deleted bundles). */
  async removeFiles(id: string): Promise<void> {
    await rm(this.zipPath(id), { force: true });
    await this.removeWork(id);
  }

  async removeWork(id: string): Promise<void> {
    for (const name of WORK_FILES) await rm(join(this.bundleDir(id), name), { recursive: true, force: true });
  }

  /**
   * At start, before anything runs: every bundle left Started/InProgress by a crash or kill -9 becomes Failed with
   * the interrupted error and loses its files. Returns the ids recovered.
   */
  async recover(): Promise<string[]> {
    const recovered: string[] = [];
    await this.removeStateless();
    for (const bundle of await this.list()) {
      if (!isRunning(bundle.status)) continue;
      // The zip too: a kill between its rename and the Done state leaves a whole file of a bundle never Done.
      await this.removeFiles(bundle.id);
      await this.update(bundle.id, { status: 'Failed', stopped_at: this.now(), errors: [...(bundle.errors ?? []), INTERRUPTED_ERROR] });
      recovered.push(bundle.id);
    }
    return recovered;
  }

  /**
   * A directory without state.json is a create() that a kill cut between its mkdir and its first state write: the
   * create never answered, so nothing was acknowledged and the directory goes. Only safe while nothing runs.
   */
  private async removeStateless(): Promise<void> {
    for (const bundle of await this.list()) {
      // An unreadable state.json stays listed as Unknown: that is data we cannot judge, not a half-made create.
      if (bundle.status !== 'Unknown' || (await exists(join(this.bundleDir(bundle.id), 'state.json')))) continue;
      await rm(this.bundleDir(bundle.id), { recursive: true, force: true });
    }
  }

  /** Removes the oldest finished bundles (directory and all) beyond the retention count; running ones stay. */
  async enforceRetention(): Promise<string[]> {
    const keep = this.options.retention ?? DEFAULT_RETENTION;
    const bundles = await this.list();
    const removed: string[] = [];
    for (const bundle of bundles) {
      if (bundles.length - removed.length <= keep) break;
      if (isRunning(bundle.status)) continue;
      await rm(this.bundleDir(bundle.id), { recursive: true, force: true });
      removed.push(bundle.id);
    }
    return removed;
  }

  /** Percent of the bundle filesystem in use (as `df`: used / (used + available to us)). */
  async diskUsagePercent(): Promise<number> {
    const fs = await statfs(this.dir);
    const used = (fs.blocks - fs.bfree) * fs.bsize;
    const total = used + fs.bavail * fs.bsize;
    return total === 0 ? 0 : Math.round((used / total) * 10_000) / 100;
  }

  private async checkDisk(id: string): Promise<void> {
    const fs = await statfs(this.dir);
    const free = fs.bavail * fs.bsize;
    const percent = await this.diskUsagePercent();
    const minFree = this.options.minFreeBytes ?? 0;
    if (percent > MAX_USED_PERCENT || free < minFree)
      throw new BundleError(
        507,
        `could not create bundle ${id}: the bundle filesystem is ${percent}% used with ${free} bytes free (limits: ${MAX_USED_PERCENT}% used, ${minFree} bytes free)`,
      );
  }

  private async write(bundle: Bundle): Promise<void> {
    await writeFileAtomic(join(this.bundleDir(bundle.id), 'state.json'), `${JSON.stringify(bundle)}\n`);
  }
}

function assertId(id: string): void {
  if (!isBundleId(id)) throw new BundleError(400, `invalid bundle id ${JSON.stringify(id)}: must match ${ID.source}`);
}

function withSize(state: Bundle, size: number): Bundle {
  const { id, type, status, started_at, stopped_at, errors } = state;
  return { id, type, size, status, started_at, stopped_at, ...(errors?.length ? { errors } : {}) };
}

function unknown(id: string, error: string): Bundle {
  return { id, type: 'Local', status: 'Unknown', started_at: ZERO_TIME, stopped_at: ZERO_TIME, errors: [error] };
}

function parseState(id: string, text: string): Bundle {
  const raw = JSON.parse(text) as Partial<Bundle>;
  if (raw.id !== id || typeof raw.status !== 'string' || typeof raw.started_at !== 'string') throw new Error('state.json is not a bundle state');
  const { type, status, started_at, stopped_at, errors } = raw;
  return {
    id,
    type: type === 'Cluster' ? 'Cluster' : 'Local',
    status,
    started_at,
    stopped_at: stopped_at ?? ZERO_TIME,
    ...(Array.isArray(errors) && errors.length > 0 ? { errors } : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
