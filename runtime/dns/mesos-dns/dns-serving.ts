/**
 * Where Mesos-DNS answers DNS: in a worker thread that owns the UDP and TCP sockets (the default), so queries are
 * not held up by the master, agents and Marathon sharing the main event loop — or in the caller's thread
 * (`worker: false`, for embedding and tests). Each rebuild is published as one transferred buffer
 * (record-transfer.ts); install() resolves once the new records are being served.
 *
 * A serving thread that dies, cannot install what it was sent, or hangs on it (30 s) is reported through `onCrash`:
 * Mesos-DNS then fails its unit (which restarts) rather than answering from a dead thread or from records gone stale.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { BoundAddress } from '../wire/dns-server.ts';
import { SharedCounters } from '../wire/shared-counters.ts';
import type { RecordSet } from './record-set.ts';
import { encodeRecords } from './record-transfer.ts';
import type { ServingCounterKey, ServingSettings } from './mesos-dns-responder.ts';
import { MesosDnsResponder, SERVING_COUNTER_KEYS } from './mesos-dns-responder.ts';

export interface DnsServing {
  readonly counters: SharedCounters<ServingCounterKey>;
  start(): Promise<BoundAddress>;
  /** Resolves when `records` are served, with the milliseconds the caller's thread spent handing them over. */
  install(records: RecordSet, serial: number): Promise<number>;
  stop(): Promise<void>;
  /** Milliseconds the serving thread's event loop has been active (in-process: the whole caller's thread). */
  loopActiveMs(): number;
  /** Brings `counters` and loopActiveMs() up to date, where they are reported rather than shared (processes). */
  refreshCounters?(): Promise<void>;
}

export interface DnsServingEvents {
  onHandlerError(message: string): void;
  /** The serving thread is gone or broken (not called for a stop). */
  onCrash(reason: string): void;
}

export class InProcessServing implements DnsServing {
  readonly counters = new SharedCounters(SERVING_COUNTER_KEYS);
  private readonly responder: MesosDnsResponder;

  constructor(settings: ServingSettings, events: DnsServingEvents) {
    this.responder = new MesosDnsResponder(settings, this.counters, (e) => events.onHandlerError((e as Error).message));
  }

  start(): Promise<BoundAddress> {
    return this.responder.start();
  }

  async install(records: RecordSet, serial: number): Promise<number> {
    const started = performance.now();
    this.responder.install(records, serial);
    return performance.now() - started;
  }

  stop(): Promise<void> {
    return this.responder.stop();
  }

  loopActiveMs(): number {
    return performance.eventLoopUtilization().active;
  }
}

/** What the worker is started with. */
export interface ServingWorkerInit {
  settings: ServingSettings;
  counters: SharedArrayBuffer;
}

export type ToServingWorker = { type: 'install'; seq: number; serial: number; records: ArrayBuffer } | { type: 'stop' };

export type FromServingWorker =
  | { type: 'listening'; bound: BoundAddress }
  | { type: 'listenFailed'; message: string; code: string | undefined }
  | { type: 'installed'; seq: number }
  | { type: 'handlerError'; message: string };

const WORKER_ENTRY = new URL('./serving-worker.ts', import.meta.url).href;
/** The worker loads TypeScript through tsx's API (a worker does not inherit `--import tsx`). */
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => api.tsImport(${JSON.stringify(WORKER_ENTRY)}, ${JSON.stringify(import.meta.url)}))`;
const STOP_WAIT_MS = 5000;
/** A thread that has not installed a rebuild by then is hung: it is ended and reported like a crash. */
const INSTALL_TIMEOUT_MS = 30_000;

export class WorkerServing implements DnsServing {
  readonly counters = new SharedCounters(SERVING_COUNTER_KEYS);
  private thread: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (callerMs: number) => void; reject: (e: Error) => void; callerMs: number }>();
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  /** Why the thread is ending, when we know better than its exit code. */
  private failure: string | undefined;

  constructor(
    private readonly settings: ServingSettings,
    private readonly events: DnsServingEvents,
  ) {}

  loopActiveMs(): number {
    return this.thread?.performance.eventLoopUtilization().active ?? 0;
  }

  /** The serving thread (tests use it to stand in for a crash). */
  get worker(): Worker | undefined {
    return this.thread;
  }

  start(): Promise<BoundAddress> {
    this.stopping = false;
    this.failure = undefined;
    const init: ServingWorkerInit = { settings: this.settings, counters: this.counters.buffer };
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: init });
    this.thread = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (m: FromServingWorker) => {
        if (m.type === 'listening') {
          listening = true;
          resolve(m.bound);
        } else if (m.type === 'listenFailed') {
          reject(Object.assign(new Error(m.message), { code: m.code }));
        } else if (m.type === 'installed') {
          const p = this.pending.get(m.seq);
          p?.resolve(p.callerMs);
          this.pending.delete(m.seq);
        } else {
          this.events.onHandlerError(m.message);
        }
      });
      const gone = (reason: string) => {
        this.thread = undefined;
        for (const p of this.pending.values()) p.reject(new Error(`DNS serving thread: ${reason}`));
        this.pending.clear();
        if (!listening) reject(new Error(`DNS serving thread failed to start: ${reason}`));
        else if (!this.stopping) this.events.onCrash(reason);
      };
      worker.on('error', (e) => (this.failure ??= e.message));
      worker.once('exit', (code) => gone(this.failure ?? `exited with code ${code}`));
    });
  }

  install(records: RecordSet, serial: number): Promise<number> {
    const worker = this.thread;
    if (worker === undefined) return Promise.reject(new Error('DNS serving thread is not running'));
    const started = performance.now();
    const data = encodeRecords(records);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const message: ToServingWorker = { type: 'install', seq, serial, records: data };
      worker.postMessage(message, [data]);
      const timer = setTimeout(() => {
        if (!this.pending.has(seq) || this.thread !== worker) return;
        this.failure = `did not install published records within ${INSTALL_TIMEOUT_MS / 1000} s`;
        void worker.terminate();
      }, INSTALL_TIMEOUT_MS);
      timer.unref();
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.pending.set(seq, { resolve: settle(resolve), reject: settle(reject), callerMs: performance.now() - started });
    });
  }

  async stop(): Promise<void> {
    const worker = this.thread;
    if (worker === undefined) return;
    this.stopping = true;
    const message: ToServingWorker = { type: 'stop' };
    worker.postMessage(message);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_WAIT_MS)));
    if ((await Promise.race([this.exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
    await this.exited;
  }
}
