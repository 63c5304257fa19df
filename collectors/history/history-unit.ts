/**
 * `dcos-history.service` as a unit behaviour: each start opens the history file (a damaged one is moved aside),
 * serves the API on its own listener and starts polling the leader's state-summary; each stop ends the polling
 * (waiting for a poll under way), closes the listener and the file. A failing poll is stored as `{}` and journaled
 * once when polls start failing and once when they recover, not every 2 s. The port chosen at the first start is
 * kept for restarts.
 */
import type { FastifyInstance } from 'fastify';
import type { Time } from '../../runtime/time/clock.ts';
import type { JournalPriority } from '../../runtime/units/unit-reader.ts';
import { HistoryArchive } from './history-archive.ts';
import { historyPlugin } from './history-plugin.ts';
import { StateSummaryPoller } from './summary-poller.ts';

const ERR: JournalPriority = 3;
const WARNING: JournalPriority = 4;
const INFO: JournalPriority = 6;

/** What this unit needs of its unit context (structurally the runtime's UnitContext). */
export interface HistoryUnitContext {
  log(message: string, priority?: JournalPriority): void;
}

export interface HistoryUnitOptions {
  /** `<nodeDir>/history/history.sqlite`. */
  path: string;
  retentionMs: number;
  /** The leading master's `/master/state-summary` URL, asked at every poll. */
  summaryUrl: () => string | undefined;
  time: Time;
  host: string;
  /** 0: the OS picks at the first start. */
  port: number;
  pollPeriodMs?: number;
  pollTimeoutMs?: number;
  /** The runtime's hardened HTTP server and how it binds, given by the composition root. */
  createServer: (log: HistoryUnitContext['log']) => FastifyInstance;
  listen: (app: FastifyInstance, host: string, port: number) => Promise<{ url: string; port: number }>;
}

export class HistoryUnit {
  private app: FastifyInstance | undefined;
  private poller: StateSummaryPoller | undefined;
  private current: HistoryArchive | undefined;
  private port: number;
  /** `http://ip:port` once started. */
  url: string | undefined;

  constructor(private readonly options: HistoryUnitOptions) {
    this.port = options.port;
  }

  /** The running archive (tests, the benchmark); undefined while stopped. */
  get archive(): HistoryArchive | undefined {
    return this.current;
  }

  /** The running poller (tests drive it with pollNow/whenIdle); undefined while stopped. */
  get summaryPoller(): StateSummaryPoller | undefined {
    return this.poller;
  }

  async start(ctx: HistoryUnitContext): Promise<void> {
    const { options } = this;
    const archive = new HistoryArchive({
      path: options.path,
      retentionMs: options.retentionMs,
      clock: options.time,
      onReplaced: (message) => ctx.log(message, WARNING),
    });
    const app = options.createServer((message, priority) => ctx.log(message, priority));
    try {
      await app.register(historyPlugin, { archive: () => archive });
      const bound = await options.listen(app, options.host, this.port);
      this.port = bound.port;
      this.url = bound.url;
    } catch (err) {
      await app.close();
      archive.close();
      throw err;
    }
    const pollState = new TransitionLog(ctx);
    const storeState = new TransitionLog(ctx);
    const poller = new StateSummaryPoller({
      url: options.summaryUrl,
      time: options.time,
      ...(options.pollPeriodMs === undefined ? {} : { periodMs: options.pollPeriodMs }),
      ...(options.pollTimeoutMs === undefined ? {} : { timeoutMs: options.pollTimeoutMs }),
      onPoll: (body, atMs, failure) => {
        const problem = archive.record(body, atMs) ?? failure;
        storeState.ok('history samples are stored again');
        if (problem === undefined) pollState.ok('state-summary polls succeed again');
        else pollState.failed(`state-summary poll failed: ${problem}; storing {} until it answers`, WARNING);
      },
      onError: (err) => storeState.failed(`history sample not stored: ${(err as Error).message}`, ERR),
    });
    this.app = app;
    this.current = archive;
    this.poller = poller;
    poller.start();
    ctx.log(`history on ${this.url} from ${options.path}, retention ${options.retentionMs / 60_000} minutes`, INFO);
  }

  async stop(): Promise<void> {
    const { app, poller, current } = this;
    this.app = undefined;
    this.poller = undefined;
    this.current = undefined;
    await poller?.stop();
    await app?.close();
    current?.close();
  }
}

/** Journals a condition when it starts and when it ends, not on every repetition. */
class TransitionLog {
  private failing = false;

  constructor(private readonly ctx: HistoryUnitContext) {}

  failed(message: string, priority: JournalPriority): void {
    if (this.failing) return;
    this.failing = true;
    this.ctx.log(message, priority);
  }

  ok(message: string): void {
    if (!this.failing) return;
    this.failing = false;
    this.ctx.log(message, INFO);
  }
}
