/**
 * The master's event queue (its mailbox), drained in order on a later turn of the event loop, as libprocess runs an
 * actor's events one after another. Three kinds wait in it, the kinds Mesos counts apart:
 *
 * - `message`: what the master sends frameworks and agents. They run in the same process, so a handler that calls
 *   back into the master never re-enters it mid-change (`master/event_queue_messages`).
 * - `dispatch`: the master's own deferred work — its timers (agent pings, registry GC, failover and re-register
 *   timeouts) fire into the queue instead of cutting in (`master/event_queue_dispatches`).
 * - `http_request`: requests to the master's endpoints, served on the master's turn in arrival order
 *   (`master/event_queue_http_requests`).
 */
export type MasterEventKind = 'message' | 'dispatch' | 'http_request';

interface QueuedEvent {
  readonly kind: MasterEventKind;
  readonly run: () => void;
  /** Told when the event will never run (the master stopped first), so a waiting caller is answered. */
  readonly drop: (() => void) | undefined;
}

export class Mailbox {
  private queue: QueuedEvent[] = [];
  private readonly counts: Record<MasterEventKind, number> = { message: 0, dispatch: 0, http_request: 0 };
  private scheduled = false;
  private closed = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Events of `kind` waiting for their turn. */
  pending(kind: MasterEventKind): number {
    return this.counts[kind];
  }

  post(run: () => void, kind: MasterEventKind = 'message', drop?: () => void): void {
    if (this.closed) {
      drop?.();
      return;
    }
    this.queue.push({ kind, run, drop });
    this.counts[kind]++;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Drops what has not run and refuses new events (the master is stopping); waiting callers are told. */
  close(): void {
    this.closed = true;
    const dropped = this.queue;
    this.queue = [];
    for (const e of dropped) {
      this.counts[e.kind]--;
      this.guard(e.drop);
    }
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const e of batch) {
      this.counts[e.kind]--;
      this.guard(e.run);
    }
  }

  private guard(fn: (() => void) | undefined): void {
    try {
      fn?.();
    } catch (err) {
      this.onError(err);
    }
  }
}
