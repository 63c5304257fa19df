/**
 * DC/OS's per-node DNS forwarder (spartan, later dcos-dns): `*.mesos` goes to the masters' Mesos-DNS, the internal
 * zones (`ready.spartan`, VIP names, …) are answered here, everything else goes to the upstream resolvers — each
 * time at most two at once, first reply wins (zone-router.ts, upstream-race.ts). Replies from upstreams are relayed
 * byte for byte; when every upstream asked fails the client gets SERVFAIL.
 */
import type { Priority } from '../../units/unit-journal.ts';
import { PRIORITY } from '../../units/unit-journal.ts';
import { Flag, Rcode } from '../wire/dns-constants.ts';
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import { emptyReply } from '../wire/dns-response.ts';
import type { BoundAddress, TcpLimits } from '../wire/dns-server.ts';
import { DnsServer, tcpLimitOptions } from '../wire/dns-server.ts';
import type { Upstream } from '../wire/upstream-exchange.ts';
import { parseUpstream } from '../wire/upstream-exchange.ts';
import type { ForwarderMetricsSnapshot } from './forwarder-metrics.ts';
import { ForwarderMetrics } from './forwarder-metrics.ts';
import { InternalZones } from './internal-zones.ts';
import { UpstreamRace } from './upstream-race.ts';
import type { VipNameSource } from './vip-name-source.ts';
import { ZoneRouter } from './zone-router.ts';

export interface DnsForwarderOptions {
  /** DC/OS binds 198.51.100.1-3:53 on every node; port 0 = ephemeral (UDP and TCP share it). */
  listen: { host: string; port: number };
  /** Every master's Mesos-DNS (`ip:port`, DC/OS port 61053), for `*.mesos`. */
  mesosResolvers: string[];
  /** Default upstreams (`ip` or `ip:port`; DC/OS `upstream_resolvers`). */
  upstreamResolvers: string[];
  /** Zone → its own upstreams (DC/OS `forward_zones`). */
  forwardZones?: Record<string, string[]>;
  vips?: VipNameSource;
  /** Master IPs for `zk-1.zk`…`zk-5.zk`. */
  masterIps?: string[];
  /** This node's private IP for `thisnode.thisdcos.directory`, and its public IPs. */
  nodeIp?: string;
  publicIps?: string[];
  /** zbase32 cluster ID: `<x>.<id>.dcos.directory` is answered as `<x>.thisdcos.directory`. */
  clusterId?: string;
  /** Per-upstream timeout (dcos-dns: 5 s). */
  upstreamTimeoutMs?: number;
  /** Queries forwarded concurrently (dcos-dns's handler limit is 1024); more get SERVFAIL at once. */
  maxInFlight?: number;
  /** Per-message deadline, idle timeout and connection table size for TCP clients. */
  tcp?: TcpLimits;
  /** Where the unit's journal lines go (syslog priorities). */
  log?: (message: string, priority: Priority) => void;
}

export class DnsForwarder {
  private readonly router: ZoneRouter;
  private mesosResolvers: Upstream[];
  private readonly zones: InternalZones;
  private readonly race: UpstreamRace;
  private readonly metrics = new ForwarderMetrics();
  private readonly server: DnsServer;
  /** Aborted by stop(): upstream exchanges in flight are abandoned. */
  private lifetime = new AbortController();
  private readonly maxInFlight: number;
  private inFlight = 0;
  /** The test fault (`POST /v1/fault`): a hung forwarder stays bound but answers nothing, as a wedged one would. */
  private hung = false;

  constructor(private readonly opts: DnsForwarderOptions) {
    const parse = (list: readonly string[]) => list.map((u) => parseUpstream(u));
    this.mesosResolvers = parse(opts.mesosResolvers);
    this.router = new ZoneRouter(
      parse(opts.upstreamResolvers),
      Object.entries(opts.forwardZones ?? {}).map(([zone, upstreams]) => ({ zone, upstreams: parse(upstreams) })),
      opts.clusterId,
    );
    this.zones = new InternalZones({ masterIps: opts.masterIps, nodeIp: opts.nodeIp, publicIps: opts.publicIps, vips: opts.vips });
    this.race = new UpstreamRace(opts.upstreamTimeoutMs ?? 5000);
    this.maxInFlight = opts.maxInFlight ?? 1024;
    this.server = new DnsServer({
      host: opts.listen.host,
      port: opts.listen.port,
      handler: (q, t) => this.handle(q, t),
      onHandlerError: (e) => opts.log?.(`query handling failed: ${(e as Error).message}`, PRIORITY.err),
      ...tcpLimitOptions(opts.tcp),
    });
  }

  start(): Promise<BoundAddress> {
    this.lifetime = new AbortController();
    return this.server.start();
  }

  async stop(): Promise<void> {
    this.lifetime.abort();
    await this.server.stop();
  }

  /** The masters changed (dcos-dns re-reads them from Exhibitor every 2 minutes). */
  setMesosResolvers(resolvers: string[]): void {
    this.mesosResolvers = resolvers.map((u) => parseUpstream(u));
  }

  /** Hangs (or un-hangs) the forwarder: queries still arrive but get no reply. A restart builds a forwarder that answers. */
  setHung(hung: boolean): void {
    this.hung = hung;
  }

  get isHung(): boolean {
    return this.hung;
  }

  /** Flat `{"dns/…": number}` (forwarder-metrics.ts). */
  metricsSnapshot(): ForwarderMetricsSnapshot {
    return this.metrics.snapshot(this.race.failures, this.zones.recordCounts(), this.server.counters());
  }

  private handle(query: DnsQuery, transport: Transport): Buffer | null | Promise<Buffer> {
    if (this.hung) return null;
    const started = performance.now();
    const route = this.router.route(query.key);
    if (route.kind === 'internal') {
      const reply = this.zones.answer(query, transport, route.lookupKey, route.zoneLabels);
      this.metrics.observe(this.zones.zoneName(route.lookupKey), reply, performance.now() - started);
      return reply;
    }
    const [zone, upstreams] = route.kind === 'mesos' ? ['mesos', this.mesosResolvers] : [route.zone, route.upstreams];
    if (this.inFlight >= this.maxInFlight) {
      this.metrics.overloaded++;
      return this.observed(zone, emptyReply(query, Rcode.SERVFAIL, Flag.RA), started);
    }
    this.inFlight++;
    return this.race
      .ask(upstreams, query, transport, this.lifetime.signal)
      .then((reply) => this.observed(zone, reply ?? emptyReply(query, Rcode.SERVFAIL, Flag.RA), started))
      .finally(() => this.inFlight--);
  }

  private observed(zone: string, reply: Buffer, started: number): Buffer {
    this.metrics.observe(zone, reply, performance.now() - started);
    return reply;
  }
}
