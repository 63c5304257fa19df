/**
 * One client connection accepted on a VIP: picks a backend, connects, and on a connect failure (refused, reset,
 * timed out) tries another backend it has not tried yet, up to `maxConnectAttempts`, before resetting the client.
 * The client stays paused meanwhile, so whatever it already sent waits in the kernel and reaches the backend that
 * finally answers: a request that lands on a backend that just died is retried, not failed.
 */
import type { Socket } from 'node:net';
import type { DataPlaneEvents } from './data-plane.ts';
import { pickPowerOfTwo } from './power-of-two-choices.ts';
import type { RelayBufferPool } from './relay-buffer-pool.ts';
import { TcpSplice } from './tcp-splice.ts';

/** A backend as one data plane sees it: its own count of pending connections decides power-of-two choices. */
export interface LocalBackend {
  readonly key: string;
  readonly ip: string;
  readonly port: number;
  pending: number;
  down: boolean;
}

export interface ConnectionContext {
  readonly vipKey: string;
  readonly backends: readonly LocalBackend[];
  readonly random: () => number;
  readonly connectTimeoutMs: number;
  readonly maxConnectAttempts: number;
  readonly buffers: RelayBufferPool;
  readonly events: DataPlaneEvents;
  connectionEnded(connection: ProxiedConnection): void;
}

function connectTimeoutError(): Error {
  return Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' });
}

export class ProxiedConnection {
  private readonly splice: TcpSplice;
  private readonly client: Socket;
  private attempts = 0;
  private tried: Set<LocalBackend> | undefined;
  private backendSocket: Socket | undefined;
  private ended = false;

  constructor(
    private readonly ctx: ConnectionContext,
    accepted: Socket,
  ) {
    this.splice = new TcpSplice(accepted, ctx.buffers);
    this.client = this.splice.client;
    // Until the splice takes over, a client error only means we stop trying; 'close' follows and is handled.
    this.client.on('error', () => undefined);
    this.connectNext();
  }

  /** Closes both sides now (used when draining runs out of time). */
  destroy(): void {
    this.client.destroy();
    this.backendSocket?.destroy();
  }

  private connectNext(): void {
    const ctx = this.ctx;
    const backend =
      !this.client.destroyed && this.attempts < ctx.maxConnectAttempts
        ? pickPowerOfTwo(ctx.backends, ctx.random, this.tried)
        : undefined;
    if (!backend) {
      this.client.resetAndDestroy();
      this.splice.release();
      this.end();
      return;
    }
    this.attempts++;
    backend.pending++;
    const socket = this.splice.connect(backend.ip, backend.port);
    this.backendSocket = socket;
    let failure: Error | undefined;
    const abandon = () => socket.destroy();
    const onTimeout = () => socket.destroy(connectTimeoutError());
    const onError = (err: Error) => (failure = err);
    const onCloseBeforeConnect = () => {
      this.client.off('close', abandon);
      backend.pending--;
      if (failure === undefined) {
        // The client went away while we were connecting.
        this.splice.release();
        return this.end();
      }
      ctx.events.connectFailed(ctx.vipKey, backend.key, (failure as NodeJS.ErrnoException).code ?? failure.message);
      (this.tried ??= new Set()).add(backend);
      this.connectNext();
    };
    socket.setTimeout(ctx.connectTimeoutMs, onTimeout);
    socket.on('error', onError);
    socket.once('close', onCloseBeforeConnect);
    this.client.once('close', abandon);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      socket.off('error', onError);
      socket.off('close', onCloseBeforeConnect);
      this.client.off('close', abandon);
      ctx.events.connected(ctx.vipKey, backend.key);
      this.splice.join(() => {
        backend.pending--;
        ctx.events.closed(ctx.vipKey, backend.key);
        this.end();
      });
    });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.ctx.connectionEnded(this);
  }
}
