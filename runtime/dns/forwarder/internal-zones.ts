/**
 * The zones dcos-dns answers itself: `spartan` (`ready.spartan` for the watchdog, `ns.spartan`), `localhost`,
 * `zk-1.zk`…`zk-5.zk` (the masters, repeated round-robin to five), `thisnode.thisdcos.directory` and named VIPs
 * under `l4lb.thisdcos.directory`. Records have dcos-dns's TTL 5; a missing name gets NXDOMAIN with the zone's SOA
 * (`ns.spartan`, `support.mesosphere.com`), answers rotate by message ID (dcos-dns's round-robin). A name under a zone
 * this forwarder does not hold (e.g. `dcos.thisdcos.directory`, built from the operator API on masters) is REFUSED.
 */
import { Flag, Rcode, RRType } from '../wire/dns-constants.ts';
import { isAtOrBelow, labelsToWireKey, nameToWireKey, wireKeyLabels, wireKeyToName } from '../wire/dns-names.ts';
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import { emptyReply, replyFromTemplate, replySizeLimit, truncateReply } from '../wire/dns-response.ts';
import type { SoaFields } from '../wire/message-writer.ts';
import { MessageWriter } from '../wire/message-writer.ts';
import type { VipNameSource } from './vip-name-source.ts';

export const INTERNAL_TTL = 5;
const NS_TTL = 3600;
const SOA: SoaFields = {
  mnameKey: nameToWireKey('ns.spartan')!,
  rnameKey: nameToWireKey('support.mesosphere.com')!,
  serial: 1,
  refresh: 60,
  retry: 180,
  expire: 86400,
  minimum: 1,
};

export interface InternalZonesOptions {
  /** Master IPs, for `zk-1.zk`…`zk-5.zk`. */
  masterIps?: readonly string[];
  /** This node's private IP (`thisnode.thisdcos.directory`) and public IPs (`public.thisnode…`). */
  nodeIp?: string;
  publicIps?: readonly string[];
  vips?: VipNameSource;
}

const L4LB = nameToWireKey('l4lb.thisdcos.directory')!;

export class InternalZones {
  /** Static records by wire key. */
  private readonly records = new Map<string, string[]>();
  /** Zone apexes held: wire key → presentation name. */
  private readonly zones = new Map<string, string>();
  private readonly scratch = new MessageWriter(16 * 1024);

  constructor(private readonly opts: InternalZonesOptions) {
    const add = (name: string, ips: readonly string[]) => {
      if (ips.length > 0) this.records.set(nameToWireKey(name)!, [...ips]);
    };
    for (const zone of ['spartan', 'localhost', 'zk', 'l4lb.thisdcos.directory', 'thisnode.thisdcos.directory']) {
      this.zones.set(nameToWireKey(zone)!, zone);
    }
    add('ready.spartan', ['127.0.0.1']);
    add('ns.spartan', ['198.51.100.1']);
    add('localhost', ['127.0.0.1']);
    const masters = opts.masterIps ?? [];
    if (masters.length > 0) for (let i = 0; i < 5; i++) add(`zk-${i + 1}.zk`, [masters[i % masters.length]!]);
    if (opts.nodeIp !== undefined) add('thisnode.thisdcos.directory', [opts.nodeIp]);
    add('public.thisnode.thisdcos.directory', opts.publicIps ?? []);
  }

  /** Records per zone (presentation apex → number of A/AAAA values). */
  recordCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const zone of this.zones.values()) counts[zone] = 0;
    for (const [key, ips] of this.records) {
      const zone = this.zoneOf(key);
      if (zone !== undefined) counts[this.zones.get(zone)!]! += ips.length;
    }
    for (const [, ips] of this.opts.vips?.names() ?? []) counts['l4lb.thisdcos.directory']! += ips.length;
    return counts;
  }

  /** Zone label (for metrics) of a lookup key. */
  zoneName(lookupKey: string): string {
    const zone = this.zoneOf(lookupKey);
    return zone === undefined ? 'unknown.thisdcos.directory' : this.zones.get(zone)!;
  }

  /**
   * The reply for `query`, looked up as `lookupKey` (the question's name, possibly renamed by the router);
   * `zoneLabels` is how many trailing labels of the question name its zone apex has (for the SOA owner).
   */
  answer(query: DnsQuery, transport: Transport, lookupKey: string, zoneLabels: number): Buffer {
    const zone = this.zoneOf(lookupKey);
    if (zone === undefined) return emptyReply(query, Rcode.REFUSED, Flag.RA);
    const ips = this.addressesOf(lookupKey);
    const qtype = query.qtype;
    const wanted = ips.filter((ip) =>
      qtype === RRType.ANY ? true : qtype === RRType.A ? !ip.includes(':') : qtype === RRType.AAAA ? ip.includes(':') : false,
    );
    const isApex = lookupKey === zone;
    const w = this.scratch;
    const flags = Flag.QR | Flag.AA | Flag.RA;
    const questionZone = labelsToWireKey(wireKeyLabels(query.key).slice(-zoneLabels));

    if (wanted.length > 0) {
      w.begin(query.key, qtype, flags);
      // dcos-dns's round-robin: rotate the answers by message ID.
      for (let k = 0; k < wanted.length; k++) {
        const ip = wanted[(k + query.id) % wanted.length]!;
        if (ip.includes(':')) w.aaaa('answer', INTERNAL_TTL, ip);
        else w.a('answer', INTERNAL_TTL, ip);
      }
    } else if (isApex && (qtype === RRType.SOA || qtype === RRType.NS)) {
      w.begin(query.key, qtype, flags);
      if (qtype === RRType.SOA) w.soa('answer', undefined, INTERNAL_TTL, SOA);
      else w.ns('answer', undefined, NS_TTL, SOA.mnameKey);
    } else {
      // NODATA when the name exists (with other types), else NXDOMAIN; the zone's SOA either way.
      const exists = ips.length > 0 || isApex;
      w.begin(query.key, qtype, flags | (exists ? Rcode.NOERROR : Rcode.NXDOMAIN));
      w.soa('authority', questionZone, INTERNAL_TTL, SOA);
    }
    const reply = w.finish();
    return replyFromTemplate(truncateReply(reply, replySizeLimit(query, transport)), query);
  }

  private zoneOf(key: string): string | undefined {
    for (const zone of this.zones.keys()) if (isAtOrBelow(key, zone)) return zone;
    return undefined;
  }

  private addressesOf(key: string): readonly string[] {
    const fixed = this.records.get(key);
    if (fixed !== undefined) return fixed;
    if (this.opts.vips !== undefined && isAtOrBelow(key, L4LB) && key !== L4LB) {
      return this.opts.vips.resolve(wireKeyToName(key).slice(0, -1)) ?? [];
    }
    return [];
  }
}
