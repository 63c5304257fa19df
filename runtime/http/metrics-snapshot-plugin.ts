/**
 * `GET /metrics/snapshot` as libprocess serves it: one flat JSON object of numbers, keys sorted, with `?timeout=`
 * (a libprocess duration) and `?jsonp=`. The keys come from `collect`, so the master, agents and every other
 * minidc process share this one route and differ only in what they put into `out`.
 *
 * Timeout: libprocess omits each metric still pending when the timeout fires. minidc's collect fills one object,
 * so the simplification is: when collect is async and has not finished within `?timeout`, the reply holds the
 * keys written by then (at least everything collect wrote synchronously); without `?timeout` the reply waits for
 * collect. A collect that throws or rejects before the reply is a 500 (a bug should be loud, not a thinner
 * snapshot). libprocess's rate limit (2 snapshots/s by default) is not reproduced.
 */
import type { FastifyPluginAsync } from 'fastify';
import { sendJsonText } from './jsonp.ts';
import { parseLibprocessDuration } from '../time/libprocess-duration.ts';

export type MetricsCollect = (out: Record<string, number>) => void | Promise<void>;

export interface MetricsSnapshotOptions {
  collect: MetricsCollect;
}

/** setTimeout's ceiling; a longer ?timeout is the same as waiting for collect. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const metricsSnapshotPlugin: FastifyPluginAsync<MetricsSnapshotOptions> = async (app, options) => {
  app.get('/metrics/snapshot', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    let timeoutMs: number | undefined;
    if (query.timeout !== undefined) {
      const text = String(query.timeout);
      const parsed = parseLibprocessDuration(text);
      if (!parsed.ok)
        return reply.code(400).type('text/plain; charset=utf-8').send(`Invalid timeout '${text}': ${parsed.error}.\n`);
      timeoutMs = parsed.nanoseconds / 1e6;
    }
    const values = await collectWithin(options.collect, timeoutMs);
    return sendJsonText(request, reply, snapshotJson(values));
  });
};

/** Runs collect; with a timeout, answers with what `out` holds when it fires if collect is still running. */
export async function collectWithin(collect: MetricsCollect, timeoutMs?: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const pending = collect(out);
  if (pending === undefined) return out;
  if (timeoutMs === undefined || timeoutMs >= MAX_TIMER_MS) {
    await pending;
    return out;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const winner = await Promise.race([pending.then(() => 'done' as const), timedOut]);
    // A copy: collect may go on writing into `out` after the reply has been built.
    return winner === 'timeout' ? { ...out } : out;
  } finally {
    clearTimeout(timer);
    // A late failure has no request left to fail; it must not become an unhandled rejection.
    pending.catch(() => undefined);
  }
}

/** The snapshot text: keys in byte order (libprocess builds it from a std::map), non-finite values left out. */
export function snapshotJson(values: Record<string, number>): string {
  const keys = Object.keys(values).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const v = values[key]!;
    if (Number.isFinite(v)) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}
