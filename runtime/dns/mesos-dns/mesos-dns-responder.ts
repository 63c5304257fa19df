/**
 * Mesos-DNS's DNS side: the UDP+TCP server answering from the records last installed, forwarding names outside the
 * domain. It holds nothing the main thread needs, so the same code runs in the serving worker (serving-worker.ts)
 * or, with `worker: false`, in the caller's thread. Its counters live in shared memory either way.
 */
import { Flag, Rcode } from '../wire/dns-constants.ts';
import { isAtOrBelow, nameToWireKey } from '../wire/dns-names.ts';
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import { emptyReply } from '../wire/dns-response.ts';
import type { BoundAddress, DnsSockets, TcpLimits } from '../wire/dns-server.ts';
import { DNS_SERVER_COUNTER_KEYS, DnsServer, tcpLimitOptions } from '../wire/dns-server.ts';
import { SharedCounters } from '../wire/shared-counters.ts';
import type { SoaFields } from '../wire/message-writer.ts';
import type { Upstream } from '../wire/upstream-exchange.ts';
import { AnswerCache } from './answer-cache.ts';
import type { RecordSet } from './record-set.ts';
import { SequentialForwarder } from './sequential-forwarder.ts';

/** What the serving side counts, shared with the thread that publishes metrics. */
export const SERVING_COUNTER_KEYS = [...DNS_SERVER_COUNTER_KEYS, 'forwarded', 'forward_failures', 'prepared_answers'] as const;
export type ServingCounterKey = (typeof SERVING_COUNTER_KEYS)[number];

/** Everything the serving side needs, as plain data (it crosses to the worker). */
export interface ServingSettings {
  host: string;
  port: number;
  tcp?: TcpLimits;
  domain: string;
  ttl: number;
  recurseOn: boolean;
  srvWeight: number;
  /** The SOA of every generation but its serial. */
  soa: Omit<SoaFields, 'serial'>;
  resolvers: Upstream[];
  externalOn: boolean;
  forwardTimeoutMs: number;
  maxForwardsInFlight: number;
}

export class MesosDnsResponder {
  private readonly server: DnsServer;
  private readonly forwarder: SequentialForwarder;
  private readonly domainKey: string;
  private readonly replyFlags: number;
  private cache: AnswerCache | undefined;
  private readonly lifetime = new AbortController();

  constructor(
    private readonly settings: ServingSettings,
    private readonly counters: SharedCounters<ServingCounterKey>,
    onHandlerError: (error: unknown) => void,
    /** Sockets bound by another process (process serving); default: bind settings.host:port. */
    sockets?: DnsSockets,
  ) {
    this.domainKey = nameToWireKey(settings.domain)!;
    this.replyFlags = settings.recurseOn ? Flag.RA : 0;
    this.forwarder = new SequentialForwarder({
      upstreams: settings.resolvers,
      enabled: settings.externalOn,
      timeoutMs: settings.forwardTimeoutMs,
      maxInFlight: settings.maxForwardsInFlight,
      replyFlags: this.replyFlags,
      onForwarded: () => counters.inc('forwarded'),
      onFailed: () => counters.inc('forward_failures'),
    });
    this.server = new DnsServer({
      host: settings.host,
      port: settings.port,
      handler: (q, t) => this.handle(q, t),
      onHandlerError,
      counters,
      ...tcpLimitOptions(settings.tcp),
      ...(sockets === undefined ? {} : { sockets }),
    });
  }

  start(): Promise<BoundAddress> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    this.lifetime.abort();
    await this.server.stop();
  }

  /** Serves `records` from now on; `serial` is their SOA serial. */
  install(records: RecordSet, serial: number): void {
    const s = this.settings;
    this.counters.set('prepared_answers', 0);
    this.cache = new AnswerCache(records, {
      domain: s.domain,
      ttl: s.ttl,
      recursionAvailable: s.recurseOn,
      srvWeight: s.srvWeight,
      soa: { ...s.soa, serial },
      onPrepare: () => this.counters.inc('prepared_answers'),
    });
  }

  private handle(query: DnsQuery, transport: Transport): Buffer | Promise<Buffer> {
    const reply = this.cache?.answer(query, transport);
    if (reply !== undefined) return reply;
    if (isAtOrBelow(query.key, this.domainKey)) {
      // Nothing loaded yet: let the client's resolver try another server.
      return emptyReply(query, Rcode.SERVFAIL, this.replyFlags);
    }
    return this.forwarder.forward(query, transport, this.lifetime.signal);
  }
}
