/**
 * One VIP address:port in one data plane: a TCP listener and the VIP's current backend set. Changing the set
 * affects only new connections; removed backends keep their open connections until those end. A bind failure is
 * reported and retried every `listenRetryMs`, never thrown, so one bad VIP cannot take the others down.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { DataPlaneEvents, ProxyBackendSpec, ProxySettings } from './data-plane.ts';
import type { Time } from '../time/clock.ts';
import { ProxiedConnection, type ConnectionContext, type LocalBackend } from './proxied-connection.ts';
import type { RelayBufferPool } from './relay-buffer-pool.ts';

export interface VipListenerDeps {
  readonly plane: number;
  readonly settings: ProxySettings;
  readonly clock: Time;
  readonly random: () => number;
  readonly buffers: RelayBufferPool;
  readonly events: DataPlaneEvents;
}

export class VipListener implements ConnectionContext {
  readonly connections = new Set<ProxiedConnection>();
  backends: LocalBackend[] = [];
  private readonly byKey = new Map<string, LocalBackend>();
  private readonly server: Server;
  private retryTimer: unknown;
  private firstOutcome: (() => void) | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly vipKey: string,
    private readonly ip: string,
    private readonly port: number,
    private readonly deps: VipListenerDeps,
  ) {
    this.server = createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true }, (client) =>
      this.accept(client),
    );
    this.server.on('listening', () => {
      // close() may have come while the bind was under way.
      if (this.closed) return void this.server.close();
      this.deps.events.listening(this.vipKey, this.deps.plane);
      this.settleFirstOutcome();
    });
    this.server.on('error', (err: NodeJS.ErrnoException) => this.onServerError(err));
  }

  get random(): () => number {
    return this.deps.random;
  }
  get connectTimeoutMs(): number {
    return this.deps.settings.connectTimeoutMs;
  }
  get maxConnectAttempts(): number {
    return this.deps.settings.maxConnectAttempts;
  }
  get buffers(): RelayBufferPool {
    return this.deps.buffers;
  }
  get events(): DataPlaneEvents {
    return this.deps.events;
  }

  /** Starts listening; resolves after the first attempt succeeded or failed (a failure is then retried). */
  open(): Promise<void> {
    return new Promise((resolve) => {
      this.firstOutcome = resolve;
      this.listen();
    });
  }

  setBackends(specs: readonly ProxyBackendSpec[]): void {
    const next: LocalBackend[] = [];
    const seen = new Set<string>();
    for (const spec of specs) {
      // Keep the object of a backend that stays, so its pending count (and its connections' bookkeeping) carry on.
      let backend = this.byKey.get(spec.key);
      if (!backend) backend = { key: spec.key, ip: spec.ip, port: spec.port, pending: 0, down: spec.down };
      backend.down = spec.down;
      next.push(backend);
      seen.add(spec.key);
    }
    for (const key of this.byKey.keys()) if (!seen.has(key)) this.byKey.delete(key);
    for (const backend of next) this.byKey.set(backend.key, backend);
    this.backends = next;
  }

  setDown(backendKey: string, down: boolean): void {
    const backend = this.byKey.get(backendKey);
    if (backend) backend.down = down;
  }

  /** Stops accepting; open connections continue. */
  close(): void {
    this.closed = true;
    this.deps.clock.clearTimeout(this.retryTimer);
    if (this.server.listening) this.server.close();
    this.settleFirstOutcome();
    this.checkIdle();
  }

  /** Resolves when the listener is closed and its last connection has ended. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  destroyConnections(): void {
    for (const c of this.connections) c.destroy();
  }

  connectionEnded(connection: ProxiedConnection): void {
    this.connections.delete(connection);
    this.checkIdle();
  }

  private accept(client: Socket): void {
    this.connections.add(new ProxiedConnection(this, client));
  }

  private listen(): void {
    if (this.closed) return;
    this.server.listen({ host: this.ip, port: this.port });
  }

  private onServerError(err: NodeJS.ErrnoException): void {
    // Once listening, errors come from accept() (e.g. EMFILE) and are transient; the listener stays up.
    if (this.server.listening || this.closed) return;
    this.deps.events.listenFailed(this.vipKey, this.deps.plane, `${err.code ?? 'error'}: ${err.message}`);
    this.retryTimer = this.deps.clock.setTimeout(() => this.listen(), this.deps.settings.listenRetryMs);
    this.settleFirstOutcome();
  }

  private settleFirstOutcome(): void {
    const resolve = this.firstOutcome;
    this.firstOutcome = undefined;
    resolve?.();
  }

  private checkIdle(): void {
    if (!this.closed || this.connections.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
