/**
 * Runs a node's collectors in parallel, at most `concurrency` at a time, each under its own timeout (DC/OS: one
 * minute per collector) and the bundle's signal. A collector that fails returns `<name>: <why>`, or, when optional,
 * has its failure written as its file's content. Once the bundle's signal aborts no collector starts, the running
 * ones are cut off, and the run resolves at once.
 */
import type { Readable } from 'node:stream';
import type { BundleSink } from '../bundle-content.ts';
import { eachBounded } from '../../each-bounded.ts';
import type { BundleCollector } from './collector.ts';

export interface CollectorRunOptions {
  concurrency: number;
  timeoutMs: number;
}

class CollectorTimeout extends Error {}

export async function runCollectors(
  collectors: readonly BundleCollector[],
  sink: BundleSink,
  signal: AbortSignal,
  options: CollectorRunOptions,
): Promise<string[]> {
  const errors: string[] = [];
  const run = async (collector: BundleCollector): Promise<void> => {
    const failure = await runOne(collector, sink, signal, options.timeoutMs);
    if (failure === undefined || signal.aborted) return;
    if (!collector.optional) {
      errors.push(`${collector.name}: ${failure}`);
      return;
    }
    try {
      await sink.add(collector.name, `${failure}\n`);
    } catch (err) {
      if (!signal.aborted) errors.push(`${collector.name}: ${failure}; writing that failed too: ${(err as Error).message}`);
    }
  };
  await raceAbort(signal, eachBounded(collectors, Math.max(1, options.concurrency), run, () => signal.aborted)).catch(() => {});
  return errors;
}

/** The failure text, or undefined when the collector finished. */
async function runOne(collector: BundleCollector, sink: BundleSink, bundle: AbortSignal, timeoutMs: number): Promise<string | undefined> {
  const own = new AbortController();
  const timer = setTimeout(() => own.abort(new CollectorTimeout(`no result within ${timeoutMs} ms`)), timeoutMs);
  const signal = AbortSignal.any([bundle, own.signal]);
  try {
    await raceAbort(signal, collector.run(guardedSink(sink, signal), signal));
    return undefined;
  } catch (err) {
    if (own.signal.aborted && own.signal.reason instanceof CollectorTimeout) return own.signal.reason.message;
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a collector writes through: nothing once its signal aborted (a timed-out collector still running cannot
 * add files later), and a stream being added is destroyed when the signal aborts.
 */
function guardedSink(sink: BundleSink, signal: AbortSignal): BundleSink {
  return {
    add: async (name: string, source: Readable | Buffer | string) => {
      const stream = typeof source === 'object' && !Buffer.isBuffer(source) ? source : undefined;
      if (signal.aborted) {
        stream?.destroy();
        throw reasonOf(signal);
      }
      const destroy = () => stream?.destroy(reasonOf(signal));
      signal.addEventListener('abort', destroy, { once: true });
      try {
        await raceAbort(signal, sink.add(name, source));
      } finally {
        signal.removeEventListener('abort', destroy);
      }
    },
  };
}

/** `work`, or its signal's reason as soon as that aborts, whichever comes first. */
export function raceAbort<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(reasonOf(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
