/**
 * Named counters in a SharedArrayBuffer: the thread serving DNS writes them, the thread publishing metrics reads them
 * at any moment without a message round trip. Keys are a typed list declared once by the owner.
 */

export class SharedCounters<K extends string> {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: BigInt64Array;
  private readonly index = new Map<K, number>();

  /** `buffer`: another thread's counters with the same keys (from `.buffer`); omitted, fresh zeroed ones. */
  constructor(
    readonly keys: readonly K[],
    buffer?: SharedArrayBuffer,
  ) {
    this.buffer = buffer ?? new SharedArrayBuffer(keys.length * BigInt64Array.BYTES_PER_ELEMENT);
    if (this.buffer.byteLength !== keys.length * BigInt64Array.BYTES_PER_ELEMENT) throw new Error('counter buffer does not fit the keys');
    this.cells = new BigInt64Array(this.buffer);
    keys.forEach((k, i) => this.index.set(k, i));
  }

  inc(key: K, by = 1): void {
    Atomics.add(this.cells, this.index.get(key)!, BigInt(by));
  }

  set(key: K, value: number): void {
    Atomics.store(this.cells, this.index.get(key)!, BigInt(Math.round(value)));
  }

  get(key: K): number {
    return Number(Atomics.load(this.cells, this.index.get(key)!));
  }

  snapshot(): Record<K, number> {
    const out = {} as Record<K, number>;
    for (const k of this.keys) out[k] = this.get(k);
    return out;
  }
}
