/**
 * Mesos-DNS: the `mesos` domain built from the master's state, served over DNS (UDP and TCP on one port) and HTTP.
 * Records are rebuilt from the whole state — on notifyChange() (debounced) and on a periodic refresh — and swapped
 * in at once; when the state cannot be read or makes no sense, the last good records stay in service.
 *
 * Rebuilds and HTTP run in the caller's thread; DNS is answered by a worker thread that is handed each rebuild
 * (dns-serving.ts), so a busy main event loop does not slow DNS down.
 */
import { createHttpServer, journalInternalErrors } from '../../http/http-server.ts';
import type { FastifyInstance } from 'fastify';
import { networkInterfaces } from 'node:os';
import { PRIORITY } from '../../units/unit-journal.ts';
import { metricsSnapshotPlugin } from '../../http/metrics-snapshot-plugin.ts';
import { nameToWireKey, wireKeyToName } from '../wire/dns-names.ts';
import type { DnsServerCounterKey } from '../wire/dns-server.ts';
import type { DnsServing } from './dns-serving.ts';
import { InProcessServing, WorkerServing } from './dns-serving.ts';
import { enumerate } from './enumeration.ts';
import { ProcessServing } from './process-serving.ts';
import type { AxfrDocument } from './http-api.ts';
import { mesosDnsHttpApi } from './http-api.ts';
import type { MesosDnsConfig, MesosDnsOptions } from './mesos-dns-config.ts';
import { configDocument, resolveConfig } from './mesos-dns-config.ts';
import type { GeneratorConfig } from './record-generator.ts';
import { generateRecords } from './record-generator.ts';
import { RecordSet, srvText } from './record-set.ts';
import { ReloadLoop } from './reload-loop.ts';
import { inSpan } from '../../telemetry/tracer.ts';
import { readState } from './state-source.ts';
import { TaskHashCache } from './zbase32.ts';
import type { MesosDnsMetricKey } from './mesos-dns-metrics.ts';
import { mesosDnsMetrics } from './mesos-dns-metrics.ts';
import type { ServingCounterKey, ServingSettings } from './mesos-dns-responder.ts';

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
  /** From a rebuild done to its records being served (encoding and handing them to the serving thread). */
  lastPublishMs: number | undefined;
  /** The part of lastPublishMs spent on the main thread (encoding the records and posting them). */
  lastHandoverMs: number | undefined;
  lastError: string | undefined;
  /** SOA serial of the records in service (unix seconds of the last good reload); 0 before the first. */
  serial: number;
  /** Names with records, and (name, type) replies encoded so far. */
  names: number;
  preparedAnswers: number;
  values: { a: number; aaaa: number; srv: number };
  forwarded: number;
  forwardFailures: number;
  tcp: Record<DnsServerCounterKey, number>;
  /** Milliseconds the DNS serving thread has been busy since it started (with `worker: false`: the caller's thread). */
  servingLoopActiveMs: number;
  /** CPU milliseconds used by the serving processes (0 when serving from a thread). */
  servingProcessesCpuMs: number;
}

/** One successful reload: everything served comes from the same state. */
interface Generation {
  state: unknown;
  records: RecordSet;
  serial: number;
}

export class MesosDns {
  readonly config: MesosDnsConfig;
  private readonly source: MesosDnsOptions['source'];
  private readonly log: NonNullable<MesosDnsOptions['log']>;
  private readonly onFatal: NonNullable<MesosDnsOptions['onFatal']>;
  private readonly generatorConfig: GeneratorConfig;
  private readonly servingSettings: ServingSettings;
  private readonly hashes = new TaskHashCache();
  private readonly loop: ReloadLoop;
  private current: Generation | undefined;
  private serving: DnsServing | undefined;
  private http: FastifyInstance | undefined;
  private bound: MesosDnsAddresses = {};
  private counters = {
    reloads: 0,
    failures: 0,
    lastMs: undefined as number | undefined,
    publishMs: undefined as number | undefined,
    handoverMs: undefined as number | undefined,
    lastError: undefined as string | undefined,
  };

  constructor(options: MesosDnsOptions) {
    this.config = resolveConfig(options);
    this.source = options.source;
    this.log = options.log ?? (() => undefined);
    this.onFatal = options.onFatal ?? ((reason) => this.log(`DNS serving failed: ${reason}`, PRIORITY.crit));
    const c = this.config;
    this.generatorConfig = {
      domain: c.domain,
      ipSources: c.ipSources,
      labelSpec: c.enforceRFC952 ? 'rfc952' : 'rfc1123',
      masters: c.masters,
      nameServerIps: listenerIps(c.listen.host),
      soaMname: c.soaMname,
    };
    this.servingSettings = {
      host: c.listen.host,
      port: c.listen.dnsPort,
      ...(c.tcp === undefined ? {} : { tcp: c.tcp }),
      domain: c.domain,
      ttl: c.ttl,
      recurseOn: c.recurseOn,
      srvWeight: c.srvRecordDefaultWeight,
      soa: {
        mnameKey: nameToWireKey(c.soaMname)!,
        rnameKey: nameToWireKey(c.soaRname)!,
        refresh: c.soaRefresh,
        retry: c.soaRetry,
        expire: c.soaExpire,
        // Mesos-DNS puts the record TTL here, not SOAMinttl.
        minimum: c.ttl,
      },
      resolvers: c.resolvers,
      externalOn: c.externalOn,
      forwardTimeoutMs: c.forwardTimeoutMs,
      maxForwardsInFlight: c.maxForwardsInFlight,
    };
    this.loop = new ReloadLoop({
      reload: (signal) => inSpan('mesos_dns.zone_rebuild', () => this.reload(signal)),
      intervalMs: c.refreshSeconds * 1000,
      debounceMs: c.notifyDebounceMs,
      onError: (e) => {
        this.counters.failures++;
        this.counters.lastError = (e as Error).message;
        this.log(`Error generating records: ${(e as Error).message}; keeping old DNS state`, PRIORITY.warning);
      },
    });
  }

  /**
   * Binds DNS (UDP+TCP, one port) and HTTP, loads the records (waiting at most `firstLoadWaitMs` for that), then
   * keeps them fresh. Until a first load succeeds, names in the domain get SERVFAIL and loads are retried every second.
   */
  async start(): Promise<MesosDnsAddresses> {
    const { listen, dnsOn, httpOn } = this.config;
    this.bound = {};
    try {
      if (dnsOn) {
        const events = {
          onHandlerError: (message: string) => this.log(`DNS handler failed: ${message}`, PRIORITY.err),
          onCrash: (reason: string) => this.onFatal(reason),
        };
        const { worker, servingProcesses } = this.config;
        this.serving = !worker
          ? new InProcessServing(this.servingSettings, events)
          : servingProcesses > 0
            ? new ProcessServing(this.servingSettings, servingProcesses, events)
            : new WorkerServing(this.servingSettings, events);
        this.bound.dns = await this.serving.start();
      }
      if (httpOn) {
        // The shared server: request limits, JSON errors, and 500s written to the unit's journal.
        this.http = createHttpServer({ onInternalError: journalInternalErrors((message, priority) => this.log(message, priority ?? PRIORITY.info)) });
        await this.http.register(mesosDnsHttpApi, { view: this.httpView() });
        await this.http.register(metricsSnapshotPlugin, {
          collect: async (out) => void Object.assign(out, mesosDnsMetrics(await this.currentStats())),
        });
        const url = await this.http.listen({ host: listen.host, port: listen.httpPort });
        this.bound.http = url;
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    await this.loop.start(this.config.firstLoadWaitMs);
    this.log(`serving ${this.config.domain} on ${JSON.stringify(this.bound)}`, PRIORITY.info);
    return { ...this.bound };
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.serving?.stop();
    await this.http?.close();
    this.serving = undefined;
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
    const served = this.serving?.counters;
    const count = (k: ServingCounterKey) => served?.get(k) ?? 0;
    return {
      reloads: this.counters.reloads,
      reloadFailures: this.counters.failures,
      lastReloadMs: this.counters.lastMs,
      lastPublishMs: this.counters.publishMs,
      lastHandoverMs: this.counters.handoverMs,
      lastError: this.counters.lastError,
      serial: g?.serial ?? 0,
      names: g?.records.nameCount() ?? 0,
      preparedAnswers: count('prepared_answers'),
      values: g?.records.valueCount() ?? { a: 0, aaaa: 0, srv: 0 },
      forwarded: count('forwarded'),
      forwardFailures: count('forward_failures'),
      tcp: {
        tcp_connections: count('tcp_connections'),
        tcp_closed_deadline: count('tcp_closed_deadline'),
        tcp_closed_idle: count('tcp_closed_idle'),
        tcp_evicted: count('tcp_evicted'),
      },
      servingLoopActiveMs: this.serving?.loopActiveMs() ?? 0,
      servingProcessesCpuMs: this.serving instanceof ProcessServing ? this.serving.cpuMs() : 0,
    };
  }

  /** stats() with the serving side's counters as of now (serving processes are asked for theirs). */
  async currentStats(): Promise<MesosDnsStats> {
    await this.serving?.refreshCounters?.();
    return this.stats();
  }

  /** Flat `{"mesos_dns/…": number}` (mesos-dns-metrics.ts); with serving processes, counters as last reported. */
  metricsSnapshot(): Record<MesosDnsMetricKey, number> {
    return mesosDnsMetrics(this.stats());
  }

  private async reload(signal: AbortSignal): Promise<void> {
    const state = await readState(this.source, signal, this.config.stateTimeoutSeconds * 1000);
    const started = performance.now();
    const records = new RecordSet();
    generateRecords(state, this.generatorConfig, records, this.hashes);
    records.seal();
    this.hashes.rotate();
    const serial = Math.max(Math.floor(Date.now() / 1000), (this.current?.serial ?? 0) + 1);
    const generated = performance.now();
    this.counters.handoverMs = await this.serving?.install(records, serial);
    this.current = { state, records, serial };
    this.counters.reloads++;
    this.counters.lastMs = generated - started;
    this.counters.publishMs = performance.now() - generated;
    this.counters.lastError = undefined;
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
