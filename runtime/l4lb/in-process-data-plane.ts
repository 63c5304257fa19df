/**
 * The data plane inside the calling process: simplest to embed and to test (its policies use the injected clock).
 * A worker process runs one of these too (`data-plane-worker.ts`).
 */
import type { DataPlane, DataPlaneEvents, ProxySettings, ProxySpec } from './data-plane.ts';
import type { Time } from '../time/clock.ts';
import { RelayBufferPool } from './relay-buffer-pool.ts';
import { VipListener } from './vip-listener.ts';

export interface InProcessDataPlaneOptions {
  readonly settings: ProxySettings;
  readonly events: DataPlaneEvents;
  readonly clock: Time;
  readonly random: () => number;
  readonly plane?: number;
}

export class InProcessDataPlane implements DataPlane {
  private readonly listeners = new Map<string, VipListener>();
  /** Removed VIPs whose connections are still open. */
  private readonly draining = new Set<VipListener>();
  private readonly buffers = new RelayBufferPool();

  constructor(private readonly options: InProcessDataPlaneOptions) {}

  async start(): Promise<void> {}

  async setVip(spec: ProxySpec): Promise<void> {
    const existing = this.listeners.get(spec.key);
    if (existing) {
      existing.setBackends(spec.backends);
      return;
    }
    const { settings, clock, random, events, plane = 0 } = this.options;
    const listener = new VipListener(spec.key, spec.ip, spec.port, {
      plane,
      settings,
      clock,
      random,
      events,
      buffers: this.buffers,
    });
    listener.setBackends(spec.backends);
    this.listeners.set(spec.key, listener);
    await listener.open();
  }

  removeVip(vip: string): void {
    const listener = this.listeners.get(vip);
    if (!listener) return;
    this.listeners.delete(vip);
    listener.close();
    this.draining.add(listener);
    void listener.idle().then(() => this.draining.delete(listener));
  }

  setDown(vip: string, backend: string, down: boolean): void {
    this.listeners.get(vip)?.setDown(backend, down);
  }

  /** Open proxied connections, for draining decisions and tests. */
  get connectionCount(): number {
    let n = 0;
    for (const l of this.listeners.values()) n += l.connections.size;
    for (const l of this.draining) n += l.connections.size;
    return n;
  }

  async stop(drainMs: number): Promise<void> {
    for (const vip of [...this.listeners.keys()]) this.removeVip(vip);
    const all = [...this.draining];
    const idle = Promise.all(all.map((l) => l.idle()));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outOfTime = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), drainMs)));
    const outcome = await Promise.race([idle, outOfTime]);
    clearTimeout(timer);
    if (outcome === 'timeout') for (const l of all) l.destroyConnections();
    await idle;
  }
}
