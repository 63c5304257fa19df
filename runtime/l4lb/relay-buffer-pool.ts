/**
 * Read buffers for proxied connections (one per socket, see `TcpSplice`), reused across connections so a new
 * connection costs no large allocation.
 */
export const RELAY_BUFFER_BYTES = 16 * 1024;

export class RelayBufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly maxFree = 1024) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(RELAY_BUFFER_BYTES);
  }

  /** Only once nothing can still be writing from the buffer (both sockets of its connection closed). */
  give(buffer: Buffer): void {
    if (this.free.length < this.maxFree) this.free.push(buffer);
  }
}
