/**
 * The master's outbound message queue. Frameworks and agents run in the same process, so every message to them is
 * posted here and delivered on a later turn of the event loop, in order: a handler that calls back into the master
 * never re-enters it mid-change. The queue length is Mesos's `master/event_queue_messages`.
 */
export class Mailbox {
  private queue: (() => void)[] = [];
  private scheduled = false;
  private closed = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  get pending(): number {
    return this.queue.length;
  }

  post(deliver: () => void): void {
    if (this.closed) return;
    this.queue.push(deliver);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Drops undelivered messages and refuses new ones (the master is stopping). */
  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const deliver of batch) {
      try {
        deliver();
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
