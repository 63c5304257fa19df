/**
 * Runs the data plane in worker processes so proxying can use more than one core. Workers are forked with
 * node:cluster in shared-handle mode (SCHED_NONE): the control process binds each VIP socket once and every worker
 * accepts on it, so the control process never touches a proxied byte. It only relays commands and folds the
 * workers' events into the one `DataPlaneEvents` sink, so counts and breakers stay coherent across workers.
 *
 * Each worker balances its own connections (power of two choices on its own pending counts); backend down/up
 * decisions come from the control process and reach all workers. A worker that dies takes its connections with
 * it; they are reported closed and the worker is started again with the current VIPs.
 *
 * node:cluster settings are process-wide: this claims the scheduling policy (before the first fork) and the worker
 * entry point of the process.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { DataPlane, DataPlaneEvents, ProxySettings, ProxySpec } from './data-plane.ts';
import type { FromWorker, ToWorker, WorkerEvent } from './worker-protocol.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./data-plane-worker.ts', import.meta.url));
const RESTART_DELAY_MS = 1000;

function configureCluster(): void {
  // Only effective before the process's first fork; afterwards whatever policy was set stays (both work).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: ['--import', import.meta.resolve('tsx')] });
}

export interface WorkerDataPlaneOptions {
  readonly workers: number;
  readonly settings: ProxySettings;
  readonly events: DataPlaneEvents;
  /** A worker exited when it was not asked to (the control process may want to log it). */
  readonly onWorkerExit?: (plane: number, code: number | null, signal: string | null) => void;
}

/** A command a worker has yet to acknowledge. */
interface PendingAck {
  readonly plane: number;
  readonly resolve: () => void;
}

export class WorkerDataPlane implements DataPlane {
  /** Workers that have been initialised and given every VIP: the ones commands are broadcast to. */
  private readonly workers = new Map<number, Worker>();
  /** The VIPs every worker must serve, with current down flags, so a restarted worker gets them all. */
  private readonly specs = new Map<string, ProxySpec>();
  private readonly acks = new Map<number, PendingAck>();
  /** plane → `vip backend` → open connections, to report them closed if the worker dies. */
  private readonly open = new Map<number, Map<string, number>>();
  private seq = 0;
  private stopping = false;

  constructor(private readonly options: WorkerDataPlaneOptions) {}

  async start(): Promise<void> {
    const planes = Array.from({ length: this.options.workers }, (_, i) => i + 1);
    await Promise.all(planes.map((plane) => this.fork(plane)));
  }

  setVip(spec: ProxySpec): Promise<void> {
    this.specs.set(spec.key, spec);
    return this.broadcastAndWait((seq) => ({ type: 'setVip', seq, spec }));
  }

  removeVip(vip: string): void {
    this.specs.delete(vip);
    this.broadcast({ type: 'removeVip', vip });
  }

  setDown(vip: string, backend: string, down: boolean): void {
    const spec = this.specs.get(vip);
    if (spec)
      this.specs.set(vip, { ...spec, backends: spec.backends.map((b) => (b.key === backend ? { ...b, down } : b)) });
    this.broadcast({ type: 'setDown', vip, backend, down });
  }

  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    const exited = [...this.workers.values()].map((w) => new Promise<void>((resolve) => w.once('exit', resolve)));
    // A worker that does not finish in time (drain plus a margin) is killed.
    const killTimer = setTimeout(() => {
      for (const w of this.workers.values()) w.process.kill('SIGKILL');
    }, drainMs + 5000);
    await this.broadcastAndWait((seq) => ({ type: 'stop', seq, drainMs }));
    await Promise.all(exited);
    clearTimeout(killTimer);
  }

  private fork(plane: number): Promise<void> {
    configureCluster();
    const worker = cluster.fork();
    this.open.set(plane, new Map());
    return new Promise((resolve) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          if (this.stopping) return void worker.process.kill('SIGKILL');
          // From here on the worker gets every command; the VIPs so far go first, in the same turn, so none is
          // missed and none arrives before `init`.
          this.sendTo(worker, { type: 'init', settings: this.options.settings });
          this.workers.set(plane, worker);
          const specs = [...this.specs.values()];
          void Promise.all(specs.map((spec) => this.sendAndWait(plane, (seq) => ({ type: 'setVip', seq, spec })))).then(
            () => resolve(),
          );
        } else if (message.type === 'ack') {
          this.acked(message.seq, plane);
        } else {
          for (const event of message.events) this.dispatch(plane, event);
        }
      });
      worker.once('exit', (code, signal) => {
        this.workerGone(plane);
        resolve();
        if (this.stopping) return;
        this.options.onWorkerExit?.(plane, code, signal);
        setTimeout(() => {
          if (!this.stopping) void this.fork(plane);
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  private dispatch(plane: number, event: WorkerEvent): void {
    const sink = this.options.events;
    switch (event[0]) {
      case 'listening':
        return sink.listening(event[1], plane);
      case 'listenFailed':
        return sink.listenFailed(event[1], plane, event[2]);
      case 'connected':
        this.countOpen(plane, event[1], event[2], +1);
        return sink.connected(event[1], event[2]);
      case 'connectFailed':
        return sink.connectFailed(event[1], event[2], event[3]);
      case 'closed':
        this.countOpen(plane, event[1], event[2], -1);
        return sink.closed(event[1], event[2]);
    }
  }

  private countOpen(plane: number, vip: string, backend: string, delta: number): void {
    const counts = this.open.get(plane);
    if (!counts) return;
    const key = `${vip} ${backend}`;
    const n = (counts.get(key) ?? 0) + delta;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
  }

  private workerGone(plane: number): void {
    this.workers.delete(plane);
    for (const [key, n] of this.open.get(plane) ?? []) {
      const [vip, backend] = key.split(' ') as [string, string];
      for (let i = 0; i < n; i++) this.options.events.closed(vip, backend);
    }
    this.open.delete(plane);
    for (const seq of [...this.acks.keys()]) this.acked(seq, plane);
  }

  private sendTo(worker: Worker, message: ToWorker): void {
    // A worker that just died cannot take messages; its restart gets the full state.
    if (worker.isConnected()) worker.send(message, undefined, () => undefined);
  }

  private broadcast(message: ToWorker): void {
    for (const worker of this.workers.values()) this.sendTo(worker, message);
  }

  private broadcastAndWait(make: (seq: number) => ToWorker): Promise<void> {
    const planes = [...this.workers.keys()];
    return Promise.all(planes.map((plane) => this.sendAndWait(plane, make))).then(() => undefined);
  }

  private sendAndWait(plane: number, make: (seq: number) => ToWorker): Promise<void> {
    const worker = this.workers.get(plane);
    if (!worker) return Promise.resolve();
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.acks.set(seq, { plane, resolve });
      this.sendTo(worker, make(seq));
    });
  }

  private acked(seq: number, plane: number): void {
    const pending = this.acks.get(seq);
    if (pending?.plane !== plane) return;
    this.acks.delete(seq);
    pending.resolve();
  }
}
