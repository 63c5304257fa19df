/**
 * The master's durable state (Mesos's registrar): admitted and unreachable agents, frameworks, role weights and
 * quotas, kept in one JSON file under the data dir and replaced atomically on every change.
 *
 * Like Mesos's registrar, operations that arrive while a store is in flight are queued and applied together in the
 * next store, so a burst of agent registrations costs a few writes, not one each. A caller's promise resolves only
 * once its operation is on disk.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import { MetricKeys } from '../metrics/metric-keys.ts';
import { WindowedTimer } from '../metrics/windowed-timer.ts';

/** Mesos's registrar/* keys. */
export const REGISTRAR_METRICS = new MetricKeys('registrar', {
  fixed: ['registrar/queued_operations', 'registrar/registry_size_bytes', 'registrar/log/recovered'],
  timers: ['registrar/state_fetch', 'registrar/state_store'],
});

export interface AdmittedAgent {
  id: string;
  hostname: string;
  /** Mesos resource text. */
  resources: string;
  attributes: Record<string, string>;
}

export interface RegistryFramework {
  id: string;
  name: string;
  roles: string[];
}

export interface RegistryQuota {
  /** Mesos quantity text, e.g. `cpus:2;mem:1024`. */
  guarantees: string;
  limits: string;
}

export interface Registry {
  version: 1;
  masterId: string | null;
  agents: AdmittedAgent[];
  /** Agents marked unreachable, with when (epoch seconds), for partition-aware GC. */
  unreachable: { id: string; timestamp: number }[];
  /** Agents removed for good (TASK_GONE_BY_OPERATOR / agent GC), so they cannot come back silently. */
  gone: { id: string; timestamp: number }[];
  frameworks: RegistryFramework[];
  weights: Record<string, number>;
  quotas: Record<string, RegistryQuota>;
}

/** Mutates the registry; returns false when it changed nothing (then nothing is written for it). */
export type RegistryOperation = (registry: Registry) => boolean;

export class RegistrarError extends Error {}

export function emptyRegistry(): Registry {
  return { version: 1, masterId: null, agents: [], unreachable: [], gone: [], frameworks: [], weights: {}, quotas: {} };
}

interface Pending {
  op: RegistryOperation;
  resolve: (changed: boolean) => void;
  reject: (err: unknown) => void;
}

const DAY_MS = 86_400_000;

export class Registrar {
  private registry: Registry | undefined;
  private queue: Pending[] = [];
  private storing = false;
  private sizeBytes = 0;
  private readonly stateFetch: WindowedTimer;
  private readonly stateStore: WindowedTimer;

  constructor(
    private readonly path: string,
    now: () => number = () => Date.now(),
  ) {
    // Mesos keeps a one-day window for state_store and none for state_fetch (a single value).
    this.stateFetch = new WindowedTimer('registrar/state_fetch', null, now);
    this.stateStore = new WindowedTimer('registrar/state_store', DAY_MS, now);
  }

  /** Reads the registry from disk (an empty one when there is no file yet). Must be called before `apply`. */
  async recover(): Promise<Registry> {
    const started = performance.now();
    let text: string | undefined;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let registry = emptyRegistry();
    if (text !== undefined) {
      try {
        registry = { ...emptyRegistry(), ...(JSON.parse(text) as Partial<Registry>), version: 1 };
      } catch (err) {
        throw new RegistrarError(`registry ${this.path} is not valid JSON (${(err as Error).message}); move it aside to start afresh`);
      }
      this.sizeBytes = Buffer.byteLength(text);
    }
    this.registry = registry;
    this.stateFetch.record(performance.now() - started);
    return structuredClone(registry);
  }

  /** The current registry itself, for reading only (no copy: the master consults it on every registration). */
  view(): Readonly<Registry> {
    if (!this.registry) throw new RegistrarError('registrar not recovered yet');
    return this.registry;
  }

  /** A copy of the current registry. */
  current(): Registry {
    if (!this.registry) throw new RegistrarError('registrar not recovered yet');
    return structuredClone(this.registry);
  }

  /** Queues an operation; resolves with whether it changed anything once that is durable. */
  apply(op: RegistryOperation): Promise<boolean> {
    if (!this.registry) return Promise.reject(new RegistrarError('registrar not recovered yet'));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.storing) void this.storeQueued();
    });
  }

  private async storeQueued(): Promise<void> {
    this.storing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      // Apply to a copy so a failed write leaves the in-memory registry as it is on disk.
      const next = structuredClone(this.registry!);
      const results: boolean[] = [];
      let failure: unknown;
      for (const p of batch) {
        try {
          results.push(p.op(next));
        } catch (err) {
          failure = err;
          break;
        }
      }
      if (failure === undefined && results.some(Boolean)) {
        const started = performance.now();
        try {
          const text = JSON.stringify(next, null, 1);
          await mkdir(dirname(this.path), { recursive: true });
          await writeFileAtomic(this.path, text);
          this.sizeBytes = Buffer.byteLength(text);
          this.stateStore.record(performance.now() - started);
        } catch (err) {
          failure = err;
        }
      }
      if (failure !== undefined) {
        for (const p of batch) p.reject(failure);
        continue;
      }
      this.registry = next;
      batch.forEach((p, i) => p.resolve(results[i]!));
    }
    this.storing = false;
  }

  snapshot(out: Record<string, number>): Record<string, number> {
    const w = REGISTRAR_METRICS.writer(out);
    w.set('registrar/queued_operations', this.queue.length);
    w.set('registrar/registry_size_bytes', this.sizeBytes);
    // Mesos: the replicated log has caught up. minidc's registry is one local file, caught up once it has been read.
    w.set('registrar/log/recovered', this.registry === undefined ? 0 : 1);
    w.timer(this.stateFetch);
    w.timer(this.stateStore);
    return out;
  }
}
