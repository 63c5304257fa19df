/**
 * Host metrics of the node an observer runs on: load averages, CPUs, memory, CPU busy share, and the disk of a
 * given directory's filesystem (the data dir's). Read in the background on an interval and served from the last
 * reading, because systeminformation's first `currentLoad()` takes ~0.5 s (it measures over an interval) and `df`
 * is a child process: neither belongs in a scrape's request path. Mesos has the same `system/*` keys on master and
 * agent (libprocess' system process).
 */
import { loadavg } from 'node:os';
import { statfs } from 'node:fs/promises';
import { currentLoad, mem } from 'systeminformation';
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { HOST_ENTRIES } from '../catalogue/host-entries.ts';
import type { Clock, Timers } from '../../runtime/time/clock.ts';
import { systemTime } from '../../runtime/time/system-time.ts';
import { withDiskSize } from './host-disk-override.ts';

/** The host's entries in the catalogue, keyed as a reading is. */
export const HOST_METRICS = HOST_ENTRIES;

export type HostReading = { readonly [K in keyof typeof HOST_METRICS]: number };

/** Reads the host once. The load averages come from node:os: systeminformation gives only a per-CPU maximum. */
export async function readHost(directory: string): Promise<HostReading> {
  // statfs(2) of the directory itself, not systeminformation's fsSize(): that reads /proc/mounts synchronously and
  // spawns df, which blocked the event loop 7-16 ms every reading (bench:metrics).
  const [load, memory, fs] = await Promise.all([currentLoad(), mem(), statfs(directory)]);
  // systeminformation answers a failed read with empty data rather than an error: check what matters.
  if (load.cpus.length === 0) throw new Error('systeminformation found no CPUs');
  if (!(memory.total > 0)) throw new Error('systeminformation found no memory total');
  const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
  return {
    load1,
    load5,
    load15,
    cpus: load.cpus.length,
    memTotal: memory.total,
    // MemAvailable, what os.freemem() and Mesos report as free: MemFree leaves out reclaimable page cache.
    memFree: memory.available,
    cpuBusy: Math.min(1, Math.max(0, load.currentLoad / 100)),
    // df's figures: used = total blocks - free blocks; size = total blocks.
    diskUsed: (fs.blocks - fs.bfree) * fs.bsize,
    diskTotal: fs.blocks * fs.bsize,
  };
}

export interface HostCollectorOptions {
  /** The directory whose filesystem's disk use is reported (the node's data dir). */
  directory: string;
  /** Between readings. Default 5 s. */
  intervalMs?: number;
  time?: Pick<Clock, 'now'> & Pick<Timers, 'every'>;
  /** The reading itself; systeminformation by default (tests put a slow or failing one in). */
  read?: (directory: string) => Promise<HostReading>;
  /** `host_disk_size_mb` in bytes (host-disk-override.ts): the filesystem size reported instead of the real one. */
  diskSizeBytes?: number;
}

export const DEFAULT_HOST_INTERVAL_MS = 5000;
/** Readings older than this many intervals are stale: the collector reports down rather than serve old values. */
const STALE_AFTER_INTERVALS = 3;

export class HostCollector implements Collector {
  readonly name = 'host';
  readonly enabledByDefault = true;
  private readonly directory: string;
  private readonly intervalMs: number;
  private readonly time: Pick<Clock, 'now'> & Pick<Timers, 'every'>;
  private readonly read: (directory: string) => Promise<HostReading>;
  private last: { reading: HostReading; at: number } | undefined;
  private lastError: string | undefined;
  private stopSampling: (() => void) | undefined;
  private firstReading: Promise<void> | undefined;

  constructor(options: HostCollectorOptions) {
    this.directory = options.directory;
    this.intervalMs = options.intervalMs ?? DEFAULT_HOST_INTERVAL_MS;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs <= 0)
      throw new RangeError(`intervalMs must be a positive number of milliseconds, got ${this.intervalMs}`);
    this.time = options.time ?? systemTime;
    const read = options.read ?? readHost;
    const size = options.diskSizeBytes;
    this.read = size === undefined ? read : async (directory) => withDiskSize(await read(directory), size);
  }

  /** Starts background sampling; the promise settles once the first reading has succeeded or failed. */
  start(): Promise<void> {
    if (this.firstReading !== undefined) return this.firstReading;
    let settleFirst!: () => void;
    this.firstReading = new Promise((resolve) => (settleFirst = resolve));
    this.stopSampling = this.time.every(
      this.intervalMs,
      async () => {
        try {
          const reading = await this.read(this.directory);
          this.last = { reading, at: this.time.now() };
          this.lastError = undefined;
        } catch (err) {
          this.lastError = err instanceof Error ? err.message : String(err);
        } finally {
          settleFirst();
        }
      },
      { immediately: true },
    );
    return this.firstReading;
  }

  stop(): void {
    this.stopSampling?.();
    this.stopSampling = undefined;
    this.firstReading = undefined;
  }

  /** Served from the last reading, at once; never reads the host itself. */
  collect(): Sample[] {
    const last = this.last;
    const age = last === undefined ? Infinity : this.time.now() - last.at;
    if (last === undefined || age > STALE_AFTER_INTERVALS * this.intervalMs) {
      const why = this.lastError ?? (this.stopSampling === undefined ? 'sampling not started' : 'first reading under way');
      throw new Error(last === undefined ? `no host reading yet (${why})` : `host reading is ${Math.round(age)} ms old (${why})`);
    }
    return (Object.keys(HOST_METRICS) as (keyof typeof HOST_METRICS)[]).map((key) => ({ metric: HOST_METRICS[key], value: last.reading[key] }));
  }
}
