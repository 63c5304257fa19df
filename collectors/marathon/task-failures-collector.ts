/**
 * `minidc_marathon_app_task_failures_total{app}`: every task of a Marathon app that ends TASK_FAILED or TASK_ERROR,
 * counted from Marathon's own event stream (`GET /v2/events`, status updates only, the feed marathon-lb
 * and the DC/OS UI read). `lastTaskFailure` in `/v2/apps` keeps only the newest failure and the Mesos master keeps a
 * bounded list of completed tasks, so both undercount a fast crash loop; the stream sees each status update.
 *
 * The stream is opened on the first scrape and reopened on the next scrape after it drops; counts survive a drop
 * (a counter never goes down), failures while it is down are missed, and the collector reports itself down then.
 */
import type { CollectContext, Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { MARATHON_APP_TASK_FAILURES } from '../catalogue/minidc-entries.ts';
import { join } from '../json-collector.ts';

/** The terminal states that mean the task itself failed (lost and unreachable tasks have their own metrics). */
export const FAILED_TASK_STATES: ReadonlySet<string> = new Set(['TASK_FAILED', 'TASK_ERROR']);

// The attach event is asked for by name too: a filtered stream sends only the types it names.
const EVENTS_PATH = '/v2/events?event_type=event_stream_attached&event_type=status_update_event';

export interface TaskFailuresCollectorOptions {
  /** Marathon's base URL, or undefined while not published (the collector is then down). */
  url: () => string | undefined;
  /** How long a scrape waits for the stream to attach. Default 2 s. */
  attachTimeoutMs?: number;
}

export class TaskFailuresCollector implements Collector {
  readonly name = 'marathon_task_failures';
  readonly enabledByDefault = true;
  private readonly failures = new Map<string, number>();
  private stream: { abort: AbortController; attached: Promise<void>; live: boolean } | undefined;
  private lastError: string | undefined;

  constructor(private readonly options: TaskFailuresCollectorOptions) {}

  async collect({ signal }: CollectContext): Promise<Sample[]> {
    const stream = this.stream ?? this.open();
    await waitFor(stream.attached, signal, this.options.attachTimeoutMs ?? 2000);
    if (this.stream !== stream) throw new Error(this.lastError ?? 'event stream closed');
    if (!stream.live) throw new Error('event stream not attached yet');
    return [...this.failures].map(([app, value]) => ({ metric: MARATHON_APP_TASK_FAILURES, labels: { app }, value }));
  }

  /** Closes the stream (the metrics unit stopping); a later scrape opens it again. */
  stop(): void {
    this.stream?.abort.abort();
    this.stream = undefined;
  }

  private open(): NonNullable<TaskFailuresCollector['stream']> {
    const url = join(this.options.url(), EVENTS_PATH);
    if (url === undefined) throw new Error('endpoint not published yet');
    const abort = new AbortController();
    let resolveAttached!: () => void;
    const attached = new Promise<void>((resolve) => (resolveAttached = resolve));
    const stream = { abort, attached, live: false };
    const onAttached = () => {
      stream.live = true;
      resolveAttached();
    };
    this.stream = stream;
    const closed = (reason: string) => {
      if (this.stream === stream) this.stream = undefined;
      this.lastError = `GET ${url}: ${reason}`;
      resolveAttached();
    };
    void this.read(url, abort.signal, onAttached).then(
      () => closed('event stream ended'),
      (err: unknown) => closed(err instanceof Error ? err.message : String(err)),
    );
    return stream;
  }

  private async read(url: string, signal: AbortSignal, onAttached: () => void): Promise<void> {
    const response = await fetch(url, { signal, headers: { accept: 'text/event-stream' } });
    if (!response.ok || response.body === null) throw new Error(`status ${response.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = parseEvent(block);
        if (event?.eventType === 'event_stream_attached') onAttached();
        else if (event?.eventType === 'status_update_event') this.count(event);
      }
    }
  }

  private count(event: Record<string, unknown>): void {
    const { appId, taskStatus } = event;
    if (typeof appId !== 'string' || typeof taskStatus !== 'string') return;
    // An app's series starts at 0 with its first update of any kind (staging, running): `increase()` cannot count
    // the step to a series' first sample, so a first failure would otherwise be lost to the crash-loop rule.
    this.failures.set(appId, (this.failures.get(appId) ?? 0) + (FAILED_TASK_STATES.has(taskStatus) ? 1 : 0));
  }
}

/** One server-sent event block: its `data:` lines joined and parsed (heartbeat comments give undefined). */
function parseEvent(block: string): Record<string, unknown> | undefined {
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  if (data === '') return undefined;
  try {
    const parsed = JSON.parse(data) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves when `promise` does, or after `ms`, or when the scrape is cut: the caller then checks the state. */
function waitFor(promise: Promise<void>, signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
