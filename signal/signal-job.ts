/**
 * One run of `dcos-signal.service`, as a timer-triggered oneshot job: with telemetry on and an endpoint set, it
 * collects the three events, POSTs them as one batch (retried with backoff) and records the outcome in the
 * journal and the status file. With telemetry off it reads nothing and sends nothing; with no endpoint (the
 * default) it does not collect either, since nothing may leave the machine.
 *
 * A run fails (the unit turns unhealthy until a good run) when the batch could not be sent or no source answered;
 * dcos-signal exited 0 either way, which hid a telemetry pipeline that had stopped.
 */
import type { JournalPriority } from '../runtime/units/unit-reader.ts';
import { sendBatch, endpointForLog, type SendOptions } from './batch-sender.ts';
import { readClusterId } from './cluster-id.ts';
import { segmentBatch } from './segment-batch.ts';
import { collect, signalReporters } from './signal-collection.ts';
import type { MasterEndpoints } from './signal-sources.ts';
import { readSignalCounters, writeSignalStatus, type SignalCounters, type SignalStatus } from './signal-status.ts';
import type { SignalIdentity } from './track-event.ts';

const WARNING: JournalPriority = 4;
const ERR: JournalPriority = 3;

/** What a timer gives a run (runtime/timers/timer-job.ts's TimerJobContext). */
export interface SignalRunContext {
  readonly signal: AbortSignal;
  log(message: string, priority?: JournalPriority): void;
}

export interface SignalJobOptions {
  /** `telemetry_enabled`. */
  enabled: boolean;
  /** `signal_endpoint`: where batches go; none, nothing is collected or sent. */
  endpoint?: string;
  clusterIdPath: string;
  statusPath: string;
  /** The master's endpoints, read at each run. */
  endpoints: () => MasterEndpoints;
  identity: Omit<SignalIdentity, 'clusterId'>;
  /** Segment's `context.library.version`. */
  libraryVersion: string;
  sourceTimeoutMs?: number;
  send?: Pick<SendOptions, 'timeoutMs' | 'attempts' | 'backoffMs'>;
}

export class SignalJob {
  private counters: SignalCounters | undefined;

  constructor(private readonly options: SignalJobOptions) {}

  async run(ctx: SignalRunContext): Promise<void> {
    const { options } = this;
    if (!options.enabled) {
      ctx.log('telemetry is off (telemetry_enabled: false): nothing collected or sent');
      return;
    }
    if (options.endpoint === undefined) {
      ctx.log('no signal_endpoint configured: nothing collected or sent (minidc signal --test shows what would be)');
      return;
    }
    const counters = (this.counters ??= await readSignalCounters(options.statusPath));
    const clusterId = await readClusterId(options.clusterIdPath);
    const reporters = signalReporters(options.endpoints);
    const { events, skipped } = await collect({
      identity: { ...options.identity, clusterId },
      reporters,
      signal: ctx.signal,
      ...(options.sourceTimeoutMs === undefined ? {} : { timeoutMs: options.sourceTimeoutMs }),
    });
    ctx.signal.throwIfAborted();
    for (const s of skipped) ctx.log(`${s.event} left out of this batch: ${s.reason}`, WARNING);
    const status = (outcome: SignalStatus['outcome'], attempts: number, error?: string): SignalStatus => ({
      last_run: new Date().toISOString(),
      outcome,
      events_sent: outcome === 'sent' ? events.map((e) => e.event) : [],
      events_skipped: skipped,
      send_attempts: attempts,
      ...(error === undefined ? {} : { last_error: error }),
      ...counters,
    });
    if (events.length === 0) {
      const reason = `no source answered, nothing sent (${skipped.map((s) => s.event).join(', ')} all left out)`;
      await writeSignalStatus(options.statusPath, status('nothing-collected', 0, reason));
      throw new Error(reason);
    }

    const shown = endpointForLog(options.endpoint);
    let attempts: number;
    try {
      attempts = await sendBatch(segmentBatch(events, options.libraryVersion, new Date()), {
        ...options.send,
        endpoint: options.endpoint,
        signal: ctx.signal,
        onAttemptFailed: (n, reason) => {
          counters.send_failures_total++;
          ctx.log(`send attempt ${n} failed: ${reason} (failed attempts so far: ${counters.send_failures_total})`, WARNING);
        },
      });
    } catch (err) {
      counters.batches_failed_total++;
      const reason = (err as Error).message;
      await writeSignalStatus(options.statusPath, status('send-failed', (err as { attempts?: number }).attempts ?? 0, reason));
      ctx.log(`batch of ${events.length} events not sent: ${reason}`, ERR);
      throw err;
    }
    counters.batches_sent_total++;
    await writeSignalStatus(options.statusPath, status('sent', attempts));
    ctx.log(`sent ${events.map((e) => e.event).join(', ')} to ${shown} (${attempts === 1 ? '1 attempt' : `${attempts} attempts`})`);
  }
}
