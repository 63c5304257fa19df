/**
 * dcos-dns's way of asking upstreams: at most two at once, the first reply wins and the others are abandoned.
 * With fewer than three upstreams all are asked; otherwise upstreams are bucketed by how often they failed, and two
 * are drawn from the least-failing bucket (or its only member plus one from the next bucket).
 */
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import type { Upstream } from '../wire/upstream-exchange.ts';
import { exchange, upstreamLabel } from '../wire/upstream-exchange.ts';

export class UpstreamRace {
  /** Failures per upstream (`ip:port`), cumulative like dcos-dns's `dns_worker_failures_total`. */
  readonly failures = new Map<string, number>();

  constructor(
    private readonly timeoutMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Which upstreams to ask (dcos-dns's take_upstreams). */
  choose(upstreams: readonly Upstream[]): Upstream[] {
    if (upstreams.length < 3) return [...upstreams];
    const buckets = new Map<number, Upstream[]>();
    for (const u of upstreams) {
      const f = this.failures.get(upstreamLabel(u)) ?? 0;
      const bucket = buckets.get(f);
      if (bucket === undefined) buckets.set(f, [u]);
      else bucket.push(u);
    }
    const [best, next] = [...buckets.keys()].sort((a, b) => a - b).map((k) => buckets.get(k)!) as [Upstream[], Upstream[] | undefined];
    if (best.length >= 2) return this.pick(best, 2);
    return [...best, ...this.pick(next ?? [], 1)];
  }

  /** The first reply from the chosen upstreams, or undefined when every one failed or timed out. */
  async ask(upstreams: readonly Upstream[], query: DnsQuery, transport: Transport, signal: AbortSignal): Promise<Buffer | undefined> {
    const chosen = this.choose(upstreams);
    if (chosen.length === 0) return undefined;
    const done = new AbortController();
    const both = AbortSignal.any([signal, done.signal]);
    try {
      return await Promise.any(
        chosen.map((u) =>
          exchange(u, query.message, transport, this.timeoutMs, both).catch((e: unknown) => {
            // A loser abandoned after the winner replied did not fail.
            if (!done.signal.aborted) {
              const label = upstreamLabel(u);
              this.failures.set(label, (this.failures.get(label) ?? 0) + 1);
            }
            throw e;
          }),
        ),
      );
    } catch {
      return undefined;
    } finally {
      done.abort();
    }
  }

  private pick(from: readonly Upstream[], count: number): Upstream[] {
    const pool = [...from];
    const out: Upstream[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.random() * pool.length), 1)[0]!);
    return out;
  }
}
