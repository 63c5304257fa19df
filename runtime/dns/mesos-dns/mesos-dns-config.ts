/**
 * Mesos-DNS settings: the options a caller gives, the defaults filled in (Mesos-DNS's code defaults unless noted),
 * and the `/v1/config` body with Mesos-DNS's Go field names.
 */
import { getServers } from 'node:dns';
import type { Priority } from '../../units/unit-journal.ts';
import type { TcpLimits } from '../wire/dns-server.ts';
import { nameToWireKey } from '../wire/dns-names.ts';
import { parseUpstream } from '../wire/upstream-exchange.ts';
import type { Upstream } from '../wire/upstream-exchange.ts';
import type { IpSource } from './mesos-state.ts';
import { IP_SOURCES } from './mesos-state.ts';
import type { MesosStateSource } from './state-source.ts';

export const MESOS_DNS_VERSION = 'minidc-0.1.0';

export interface MesosDnsOptions {
  source: MesosStateSource;
  listen: {
    host: string;
    /** 0 = ephemeral; UDP and TCP share it. DC/OS uses 61053. */
    dnsPort: number;
    /** 0 = ephemeral; Mesos-DNS's default is 8123. */
    httpPort: number;
  };
  domain?: string;
  ttl?: number;
  /** Full refresh period, the safety net behind notifyChange(); 60 (DC/OS: 30). */
  refreshSeconds?: number;
  stateTimeoutSeconds?: number;
  /** Upstreams for names outside the domain (`ip` or `ip:port`); empty = the host's non-loopback nameservers. */
  resolvers?: string[];
  externalOn?: boolean;
  /** Per-upstream timeout; Mesos-DNS's `timeout` (5 s). */
  forwardTimeoutMs?: number;
  /** Configured masters (`ip` or `ip:port`) for `master.<domain>` and `masterN.<domain>`. */
  masters?: string[];
  /** Default DC/OS's `["host","netinfo"]`. */
  ipSources?: IpSource[];
  enforceRFC952?: boolean;
  recurseOn?: boolean;
  /** Mesos-DNS `SOAMname` / `SOARname` (default `ns1.<domain>` / `root.ns1.<domain>`). */
  soaMname?: string;
  soaRname?: string;
  soaRefresh?: number;
  soaRetry?: number;
  soaExpire?: number;
  soaMinttl?: number;
  srvRecordDefaultWeight?: number;
  /** `/v1/enumerate` and `/v1/axfr`. */
  enumerationOn?: boolean;
  dnsOn?: boolean;
  httpOn?: boolean;
  /** How long notifyChange() waits for more changes before rebuilding. */
  notifyDebounceMs?: number;
  /** How long start() waits for the first state read (it goes on in the background); default 10 s. */
  firstLoadWaitMs?: number;
  /** Concurrent forwarded queries; more get SERVFAIL at once. */
  maxForwardsInFlight?: number;
  /** Per-message deadline, idle timeout and connection table size for TCP clients. */
  tcp?: TcpLimits;
  /** Answer DNS in a worker thread (default), or in the caller's thread (embedding, tests). */
  worker?: boolean;
  /**
   * With `worker`: how many processes answer DNS, sharing the one socket (default 2, this machine's cores); 0 serves
   * from one worker thread instead. `tcp.maxConnections` is split between them.
   */
  servingProcesses?: number;
  /** Where the unit's journal lines go (syslog priorities). */
  log?: (message: string, priority: Priority) => void;
  /** DNS serving broke for good (its thread died): the owner should restart Mesos-DNS. Default: logged. */
  onFatal?: (reason: string) => void;
}

export interface MesosDnsConfig {
  domain: string;
  ttl: number;
  refreshSeconds: number;
  stateTimeoutSeconds: number;
  resolvers: Upstream[];
  resolverTexts: string[];
  externalOn: boolean;
  forwardTimeoutMs: number;
  masters: string[];
  ipSources: IpSource[];
  enforceRFC952: boolean;
  recurseOn: boolean;
  soaMname: string;
  soaRname: string;
  soaRefresh: number;
  soaRetry: number;
  soaExpire: number;
  soaMinttl: number;
  srvRecordDefaultWeight: number;
  enumerationOn: boolean;
  dnsOn: boolean;
  httpOn: boolean;
  notifyDebounceMs: number;
  firstLoadWaitMs: number;
  maxForwardsInFlight: number;
  tcp: TcpLimits | undefined;
  worker: boolean;
  servingProcesses: number;
  listen: MesosDnsOptions['listen'];
}

const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`);

export function resolveConfig(opts: MesosDnsOptions): MesosDnsConfig {
  const domain = (opts.domain ?? 'mesos').toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(domain)) throw new Error(`invalid Mesos-DNS domain: ${JSON.stringify(domain)}`);
  const ipSources = opts.ipSources ?? ['host', 'netinfo'];
  if (ipSources.length === 0 || new Set(ipSources).size !== ipSources.length || ipSources.some((s) => !IP_SOURCES.includes(s))) {
    throw new Error(`invalid IPSources ${JSON.stringify(ipSources)}: a non-empty list of distinct host, netinfo, mesos, docker`);
  }
  const resolverTexts = opts.resolvers && opts.resolvers.length > 0 ? opts.resolvers : hostNameservers();
  const soaMname = fqdn(opts.soaMname ?? `ns1.${domain}`).toLowerCase();
  // Mesos-DNS lets the RNAME be written as a mail address.
  const soaRname = fqdn((opts.soaRname ?? `root.ns1.${domain}`).replace('@', '.')).toLowerCase();
  for (const n of [soaMname, soaRname]) if (nameToWireKey(n) === undefined) throw new Error(`invalid SOA name ${n}`);
  const config: MesosDnsConfig = {
    domain,
    ttl: opts.ttl ?? 60,
    refreshSeconds: opts.refreshSeconds ?? 60,
    stateTimeoutSeconds: opts.stateTimeoutSeconds ?? 300,
    resolvers: resolverTexts.map((r) => parseUpstream(r)),
    resolverTexts,
    externalOn: opts.externalOn ?? true,
    forwardTimeoutMs: opts.forwardTimeoutMs ?? 5000,
    masters: opts.masters ?? [],
    ipSources,
    enforceRFC952: opts.enforceRFC952 ?? false,
    recurseOn: opts.recurseOn ?? true,
    soaMname,
    soaRname,
    soaRefresh: opts.soaRefresh ?? 60,
    soaRetry: opts.soaRetry ?? 600,
    soaExpire: opts.soaExpire ?? 86400,
    soaMinttl: opts.soaMinttl ?? 60,
    srvRecordDefaultWeight: opts.srvRecordDefaultWeight ?? 1,
    enumerationOn: opts.enumerationOn ?? true,
    dnsOn: opts.dnsOn ?? true,
    httpOn: opts.httpOn ?? true,
    notifyDebounceMs: opts.notifyDebounceMs ?? 75,
    firstLoadWaitMs: opts.firstLoadWaitMs ?? 10_000,
    maxForwardsInFlight: opts.maxForwardsInFlight ?? 1024,
    tcp: opts.tcp,
    worker: opts.worker ?? true,
    servingProcesses: opts.servingProcesses ?? 2,
    listen: opts.listen,
  };
  if (!config.dnsOn && !config.httpOn) throw new Error('Mesos-DNS needs DnsOn or HttpOn');
  if (!(config.stateTimeoutSeconds > 0)) throw new Error('stateTimeoutSeconds must be > 0');
  if (!Number.isInteger(config.servingProcesses) || config.servingProcesses < 0) throw new Error('servingProcesses must be a whole number ≥ 0');
  if (!(config.refreshSeconds > 0)) throw new Error('refreshSeconds must be > 0');
  return config;
}

/** Mesos-DNS with no resolvers configured uses the host's nameservers that are not on this machine. */
export function hostNameservers(): string[] {
  return getServers().filter((s) => {
    try {
      return !/^127\.|^::1$|^0\.0\.0\.0$/.test(parseUpstream(s).host);
    } catch {
      return false;
    }
  });
}

/** `/v1/config`: the configuration with Mesos-DNS's Go field names. */
export function configDocument(c: MesosDnsConfig, soaSerial: number): Record<string, unknown> {
  return {
    RefreshSeconds: c.refreshSeconds,
    Port: c.listen.dnsPort,
    Timeout: c.forwardTimeoutMs / 1000,
    StateTimeoutSeconds: c.stateTimeoutSeconds,
    ZkDetectionTimeout: 30,
    HttpPort: c.listen.httpPort,
    TTL: c.ttl,
    SRVRecordDefaultWeight: c.srvRecordDefaultWeight,
    SOASerial: soaSerial,
    SOARefresh: c.soaRefresh,
    SOARetry: c.soaRetry,
    SOAExpire: c.soaExpire,
    SOAMinttl: c.soaMinttl,
    SOAMname: c.soaMname,
    SOARname: c.soaRname,
    Masters: c.masters,
    ZoneResolvers: {},
    Resolvers: c.resolverTexts,
    IPSources: c.ipSources,
    Zk: '',
    Domain: c.domain,
    File: '',
    Listener: c.listen.host,
    HTTPListener: c.listen.host,
    RecurseOn: c.recurseOn,
    DnsOn: c.dnsOn,
    HttpOn: c.httpOn,
    ExternalOn: c.externalOn,
    EnforceRFC952: c.enforceRFC952,
    SetTruncateBit: true,
    EnumerationOn: c.enumerationOn,
    MesosHTTPSOn: false,
    CACertFile: '',
    CertFile: '',
    KeyFile: '',
    MesosCredentials: { Principal: '', Secret: '' },
    IAMConfigFile: '',
    MesosAuthentication: '',
  };
}
