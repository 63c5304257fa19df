/**
 * Signal's JSON status beside its journal (`<node dir>/signal/status.json`, replaced atomically): the last run's
 * outcome and the counts an operator asks about — batches sent, batches given up, failed send attempts — kept
 * across runs and restarts. Nothing here is sent anywhere.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../runtime/storage/atomic-file.ts';
import type { SignalEventName } from './track-event.ts';

export interface SignalCounters {
  batches_sent_total: number;
  batches_failed_total: number;
  /** Every failed POST attempt, retries included. */
  send_failures_total: number;
}

export interface SignalStatus extends SignalCounters {
  last_run: string;
  outcome: 'sent' | 'send-failed' | 'nothing-collected';
  events_sent: SignalEventName[];
  events_skipped: { event: SignalEventName; reason: string }[];
  send_attempts: number;
  last_error?: string;
}

export const ZERO_COUNTERS: SignalCounters = { batches_sent_total: 0, batches_failed_total: 0, send_failures_total: 0 };

const count = (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : 0);

/** The counters of the last status written; zero when there is none (or it cannot be read). */
export async function readSignalCounters(path: string): Promise<SignalCounters> {
  let status: Partial<SignalStatus>;
  try {
    status = JSON.parse(await readFile(path, 'utf8')) as Partial<SignalStatus>;
  } catch {
    return { ...ZERO_COUNTERS };
  }
  return {
    batches_sent_total: count(status.batches_sent_total),
    batches_failed_total: count(status.batches_failed_total),
    send_failures_total: count(status.send_failures_total),
  };
}

export async function writeSignalStatus(path: string, status: SignalStatus): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(status, null, 2)}\n`);
}
