/**
 * Mesos-DNS: the `mesos` domain built from the master's state, served over DNS (UDP and TCP on one port) and HTTP.
 * Records are rebuilt from the whole state — on notifyChange() (debounced) and on a periodic refresh — and swapped
 * in at once; when the state cannot be read or makes no sense, the last good records stay in service.
 */
import fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { networkInterfaces } from 'node:os';
import { Flag, Rcode } from '../wire/dns-constants.ts';
import { isAtOrBelow, nameToWireKey, wireKeyToName } from '../wire/dns-names.ts';
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import { emptyReply } from '../wire/dns-response.ts';
import { DnsServer } from '../wire/dns-server.ts';
import { AnswerCache } from './answer-cache.ts';
import { enumerate } from './enumeration.ts';
import type { AxfrDocument } from './http-api.ts';
import { mesosDnsHttpApi } from './http-api.ts';
import type { MesosDnsConfig, MesosDnsOptions } from './mesos-dns-config.ts';
import { configDocument, resolveConfig } from './mesos-dns-config.ts';
import type { GeneratorConfig } from './record-generator.ts';
import { generateRecords } from './record-generator.ts';
import { RecordSet, srvText } from './record-set.ts';
import { ReloadLoop } from './reload-loop.ts';
import { readState } from './state-source.ts';
import { SequentialForwarder } from './sequential-forwarder.ts';
import { TaskHashCache } from './zbase32.ts';

export type { MesosDnsOptions } from './mesos-dns-config.ts';

export interface MesosDnsAddresses {
  /** Absent when DnsOn is false. */
  dns?: { host: string; port: number };
  /** Base URL, e.g. `http://127.0.0.1:8123`; absent when HttpOn is false. */
  http?: string;
}

export interface MesosDnsStats {
  reloads: number;
  reloadFailures: number;
  lastReloadMs: number | undefined;
  lastError: string | undefined;
  /** SOA serial of the records in service (unix seconds of the last good reload); 0 before the first. */
  serial: number;
  /** Names with records, and (name, type) replies encoded so far. */
  names: number;
  preparedAnswers: number;
  values: { a: number; aaaa: number; srv: number };
  forwarded: number;
  forwardFailures: number;
}

/** One successful reload: everything served comes from the same state. */
interface Generation {
  state: unknown;
  records: RecordSet;
  cache: AnswerCache;
  serial: number;
}

export class MesosDns {
  readonly config: MesosDnsConfig;
  private readonly source: MesosDnsOptions['source'];
  private readonly log: NonNullable<MesosDnsOptions['log']>;
  private readonly generatorConfig: GeneratorConfig;
  private readonly domainKey: string;
  private readonly hashes = new TaskHashCache();
  private readonly loop: ReloadLoop;
  private readonly forwarder: SequentialForwarder;
  private readonly replyFlags: number;
  private current: Generation | undefined;
  private dnsServer: DnsServer | undefined;
  private http: FastifyInstance | undefined;
  private bound: MesosDnsAddresses = {};
  /** Aborted by stop(): forwarded queries in flight are abandoned. */
  private lifetime = new AbortController();
  private counters = { reloads: 0, failures: 0, lastMs: undefined as number | undefined, lastError: undefined as string | undefined };

  constructor(options: MesosDnsOptions) {
    this.config = resolveConfig(options);
    this.source = options.source;
    this.log = options.log ?? (() => undefined);
    const c = this.config;
    this.domainKey = nameToWireKey(c.domain)!;
    this.replyFlags = c.recurseOn ? Flag.RA : 0;
    this.generatorConfig = {
      domain: c.domain,
      ipSources: c.ipSources,
      labelSpec: c.enforceRFC952 ? 'rfc952' : 'rfc1123',
      masters: c.masters,
      nameServerIps: listenerIps(c.listen.host),
      soaMname: c.soaMname,
    };
    this.forwarder = new SequentialForwarder({
      upstreams: c.resolvers,
      enabled: c.externalOn,
      timeoutMs: c.forwardTimeoutMs,
      maxInFlight: c.maxForwardsInFlight,
      replyFlags: this.replyFlags,
    });
    this.loop = new ReloadLoop({
      reload: (signal) => this.reload(signal),
      intervalMs: c.refreshSeconds * 1000,
      debounceMs: c.notifyDebounceMs,
      onError: (e) => {
        this.counters.failures++;
        this.counters.lastError = (e as Error).message;
        this.log('warning', `Error generating records: ${(e as Error).message}; keeping old DNS state`);
      },
    });
  }

  /**
   * Binds DNS (UDP+TCP, one port) and HTTP, loads the records (waiting at most `firstLoadWaitMs` for that), then
   * keeps them fresh. Until a first load succeeds, names in the domain get SERVFAIL and loads are retried every second.
   */
  async start(): Promise<MesosDnsAddresses> {
    const { listen, dnsOn, httpOn } = this.config;
    this.lifetime = new AbortController();
    this.bound = {};
    try {
      if (dnsOn) {
        this.dnsServer = new DnsServer({
          host: listen.host,
          port: listen.dnsPort,
          handler: (q, t) => this.handle(q, t),
          onHandlerError: (e) => this.log('error', `DNS handler failed: ${(e as Error).message}`),
        });
        this.bound.dns = await this.dnsServer.start();
      }
      if (httpOn) {
        this.http = fastify({ logger: false });
        await this.http.register(mesosDnsHttpApi, { view: this.httpView() });
        const url = await this.http.listen({ host: listen.host, port: listen.httpPort });
        this.bound.http = url;
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    await this.loop.start(this.config.firstLoadWaitMs);
    this.log('info', `serving ${this.config.domain} on ${JSON.stringify(this.bound)}`);
    return { ...this.bound };
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.lifetime.abort();
    await this.dnsServer?.stop();
    await this.http?.close();
    this.dnsServer = undefined;
    this.http = undefined;
  }

  /** The cluster calls this on task and agent events; records are rebuilt shortly after (debounced). */
  notifyChange(): void {
    this.loop.trigger();
  }

  /** Rebuilds now; resolves when done (a failure keeps the old records and is counted, not thrown). */
  refresh(): Promise<void> {
    return this.loop.runNow();
  }

  stats(): MesosDnsStats {
    const g = this.current;
    return {
      reloads: this.counters.reloads,
      reloadFailures: this.counters.failures,
      lastReloadMs: this.counters.lastMs,
      lastError: this.counters.lastError,
      serial: g?.serial ?? 0,
      names: g?.records.nameCount() ?? 0,
      preparedAnswers: g?.cache.preparedCount ?? 0,
      values: g?.records.valueCount() ?? { a: 0, aaaa: 0, srv: 0 },
      forwarded: this.forwarder.forwarded,
      forwardFailures: this.forwarder.failed,
    };
  }

  private async reload(signal: AbortSignal): Promise<void> {
    const state = await readState(this.source, signal, this.config.stateTimeoutSeconds * 1000);
    const started = performance.now();
    const records = new RecordSet();
    generateRecords(state, this.generatorConfig, records, this.hashes);
    records.seal();
    this.hashes.rotate();
    const serial = Math.max(Math.floor(Date.now() / 1000), (this.current?.serial ?? 0) + 1);
    const c = this.config;
    const cache = new AnswerCache(records, {
      domain: c.domain,
      ttl: c.ttl,
      recursionAvailable: c.recurseOn,
      srvWeight: c.srvRecordDefaultWeight,
      soa: {
        mnameKey: nameToWireKey(c.soaMname)!,
        rnameKey: nameToWireKey(c.soaRname)!,
        serial,
        refresh: c.soaRefresh,
        retry: c.soaRetry,
        expire: c.soaExpire,
        // Mesos-DNS puts the record TTL here, not SOAMinttl.
        minimum: c.ttl,
      },
    });
    this.current = { state, records, cache, serial };
    this.counters.reloads++;
    this.counters.lastMs = performance.now() - started;
    this.counters.lastError = undefined;
  }

  private handle(query: DnsQuery, transport: Transport): Buffer | Promise<Buffer> {
    const reply = this.current?.cache.answer(query, transport);
    if (reply !== undefined) return reply;
    if (isAtOrBelow(query.key, this.domainKey)) {
      // Nothing loaded yet: let the client's resolver try another server.
      return emptyReply(query, Rcode.SERVFAIL, this.replyFlags);
    }
    return this.forwarder.forward(query, transport, this.lifetime.signal);
  }

  private httpView() {
    return {
      records: () => this.current?.records,
      configDocument: () =>
        configDocument(
          {
            ...this.config,
            listen: {
              ...this.config.listen,
              dnsPort: this.bound.dns?.port ?? this.config.listen.dnsPort,
              httpPort: this.bound.http ? Number(new URL(this.bound.http).port) : this.config.listen.httpPort,
            },
          },
          this.current?.serial ?? 0,
        ),
      enumerationOn: this.config.enumerationOn,
      enumeration: () => (this.current ? enumerate(this.current.state, this.generatorConfig) : { frameworks: [] }),
      axfr: (): AxfrDocument => {
        const records = this.current?.records;
        const obj = <T>(m: Map<string, T> | undefined, texts: (v: T) => string[]) =>
          Object.fromEntries([...(m ?? [])].map(([k, vs]) => [wireKeyToName(k), texts(vs)]));
        const ips = (v: readonly string[]) => [...v];
        return {
          TTL: this.config.ttl,
          Serial: this.current?.serial ?? 0,
          RefreshSeconds: this.config.refreshSeconds,
          Mname: this.config.soaMname,
          Rname: this.config.soaRname,
          Domain: this.config.domain,
          Records: { As: obj(records?.a, ips), AAAAs: obj(records?.aaaa, ips), SRVs: obj(records?.srvs, (l) => l.values().map(srvText)) },
        };
      },
    };
  }
}

/** The name server's own addresses: the listener, or every non-loopback address when listening on all. */
function listenerIps(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const ips: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal && (host === '::' || a.family === 'IPv4')) ips.push(a.address);
  }
  return ips;
}
