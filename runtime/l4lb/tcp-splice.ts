/**
 * Moves bytes both ways between a client socket and a backend socket, with back-pressure and half-close: a FIN from
 * one side is passed on as a FIN to the other (both sockets are `allowHalfOpen`), so a client that shuts down its
 * sending side still gets the whole response; a reset is passed on as a reset.
 *
 * Each side reads into its own reused buffer (`onread`) and every read is written to the other side at once; if that
 * write could not complete, reading stops until that write has been flushed, so a buffer is never overwritten while
 * a write still refers to it. That skips a buffer allocation and the stream machinery on every read, which is most
 * of the proxy's own CPU per request.
 */
import { Socket, connect } from 'node:net';
import type { RelayBufferPool } from './relay-buffer-pool.ts';

type ReadCallback = (bytes: number, buffer: Uint8Array) => boolean;

/** Written behind a write that could not be flushed at once: its callback runs when that write has been flushed. */
const FLUSH_MARKER = Buffer.alloc(0);

/**
 * One direction of a splice: what `from` reads is written to `to`. After a write that could not be flushed at once,
 * reading stops until it is. The wake-up comes from an empty write queued behind it: 'drain' would not do (it fires
 * only after a write that filled the stream's high-water mark, which one short read usually does not), and a
 * callback on every write would cost node a tick and an allocation per write.
 */
class Forwarder {
  from: Socket | undefined;
  to: Socket | undefined;

  readonly onRead = (bytes: number, buf: Uint8Array): boolean => {
    const to = this.to!;
    to.write(buf.subarray(0, bytes));
    if (to.writableLength === 0) return true;
    to.write(FLUSH_MARKER, this.onFlushed);
    return false;
  };

  private readonly onFlushed = (): void => {
    this.from!.resume();
  };
}

/**
 * node:net offers `onread` only to sockets it creates, not to accepted ones, so the accepted socket's handle is moved
 * into a new socket that has it (the way node's server wraps each accepted handle). `_handle` and the `handle` option
 * are node internals; should they ever be missing, the accepted socket is used with `data` events instead.
 */
function adoptWithReadBuffer(accepted: Socket, buffer: Buffer, onRead: ReadCallback): Socket {
  const internals = accepted as unknown as { _handle?: object | null };
  const handle = internals._handle;
  if (!handle) {
    accepted.on('data', (chunk: Buffer) => {
      if (!onRead(chunk.length, chunk)) accepted.pause();
    });
    accepted.pause();
    return accepted;
  }
  internals._handle = null;
  accepted.destroy(); // releases only the old wrapper (and the server's connection count): it no longer has the handle
  const options = { handle, allowHalfOpen: true, onread: { buffer, callback: onRead } };
  const adopted = new Socket(options as ConstructorParameters<typeof Socket>[0]);
  adopted.pause(); // not a byte is read until a backend is connected
  return adopted;
}

export class TcpSplice {
  readonly client: Socket;
  private backend: Socket | undefined;
  private readonly clientBuffer: Buffer;
  private readonly backendBuffer: Buffer;
  private readonly upstream = new Forwarder(); // client → backend
  private readonly downstream = new Forwarder(); // backend → client
  private released = false;

  constructor(
    accepted: Socket,
    private readonly buffers: RelayBufferPool,
  ) {
    this.clientBuffer = buffers.take();
    this.backendBuffer = buffers.take();
    // The client is paused until `join`, so `upstream` is complete before its first read.
    this.client = adoptWithReadBuffer(accepted, this.clientBuffer, this.upstream.onRead);
  }

  /** Opens a backend socket (one per attempt); what it sends goes to the client once `join` is called. */
  connect(ip: string, port: number): Socket {
    this.backend = connect({
      host: ip,
      port,
      noDelay: true,
      allowHalfOpen: true,
      onread: { buffer: this.backendBuffer, callback: this.downstream.onRead },
    });
    return this.backend;
  }

  /** Starts relaying between the client and the connected backend; `onClosed` runs once both have closed. */
  join(onClosed: () => void): void {
    const client = this.client;
    const backend = this.backend!;
    this.upstream.from = this.downstream.to = client;
    this.upstream.to = this.downstream.from = backend;
    let open = 2;
    const closedOne = () => {
      if (--open > 0) return;
      this.release();
      onClosed();
    };
    client.on('end', () => backend.end());
    backend.on('end', () => client.end());
    // A reset on either side resets the other: the peer learns the connection broke rather than seeing a clean end.
    client.on('error', () => backend.resetAndDestroy());
    backend.on('error', () => client.resetAndDestroy());
    client.on('close', () => {
      if (!backend.writableEnded) backend.destroy();
      closedOne();
    });
    backend.on('close', () => {
      if (!client.writableEnded) client.destroy();
      closedOne();
    });
    client.resume();
  }

  /** Returns the buffers to the pool; only once nothing can read into or write from them any more. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.buffers.give(this.clientBuffer);
    this.buffers.give(this.backendBuffer);
  }
}
