/**
 * Mesos-DNS's forwarding of names outside its domain: the configured resolvers are tried one after another, in
 * order, over the client's transport, until one replies (its reply is relayed as is, NXDOMAIN and TC included).
 * When all fail the client gets SERVFAIL; when forwarding is off, REFUSED.
 */
import { Rcode } from '../wire/dns-constants.ts';
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import { emptyReply } from '../wire/dns-response.ts';
import type { Upstream } from '../wire/upstream-exchange.ts';
import { exchange } from '../wire/upstream-exchange.ts';

export interface SequentialForwarderOptions {
  upstreams: readonly Upstream[];
  /** false: refuse instead of forwarding (Mesos-DNS `externalOn`). */
  enabled: boolean;
  timeoutMs: number;
  maxInFlight: number;
  /** Flags set on the replies we make ourselves (RA when recursion is on). */
  replyFlags: number;
  /** A query was sent upstream; every upstream failed for one. */
  onForwarded?: () => void;
  onFailed?: () => void;
}

export class SequentialForwarder {
  private inFlight = 0;

  constructor(private readonly opts: SequentialForwarderOptions) {}

  /** `signal` abandons the exchange (the server is stopping). */
  forward(query: DnsQuery, transport: Transport, signal: AbortSignal): Buffer | Promise<Buffer> {
    const { upstreams, enabled, maxInFlight, replyFlags } = this.opts;
    if (!enabled || upstreams.length === 0) return emptyReply(query, Rcode.REFUSED, replyFlags);
    if (this.inFlight >= maxInFlight) return emptyReply(query, Rcode.SERVFAIL, replyFlags);
    this.inFlight++;
    this.opts.onForwarded?.();
    return this.tryInOrder(query, transport, signal).finally(() => this.inFlight--);
  }

  private async tryInOrder(query: DnsQuery, transport: Transport, signal: AbortSignal): Promise<Buffer> {
    for (const upstream of this.opts.upstreams) {
      if (signal.aborted) break;
      try {
        return await exchange(upstream, query.message, transport, this.opts.timeoutMs, signal);
      } catch {
        // next resolver
      }
    }
    this.opts.onFailed?.();
    return emptyReply(query, Rcode.SERVFAIL, this.opts.replyFlags);
  }
}
