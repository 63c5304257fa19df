/**
 * Mesos-DNS's replies for its domain, each encoded once per reload and reused: answering a query is one Map lookup
 * on the question's wire key, a copy and an ID patch. A reply is encoded the first time its (name, type) is asked
 * for, not eagerly at reload — a reload of 100,000 tasks has ~260,000 names, most never queried, and encoding them
 * all would more than double the reload time and hold tens of megabytes for nothing.
 *
 * Answers are shuffled for load balancing as Mesos-DNS does, cheaply: a name with several values gets a few
 * shuffled encodings (the canonical order first) served in rotation. Replies bigger than the client takes are
 * truncated the way Mesos-DNS truncates (dns-response.ts) and kept per size.
 */
import { Flag, Rcode, RRType, TCP_MAX_SIZE } from '../wire/dns-constants.ts';
import { isAtOrBelow, nameToWireKey } from '../wire/dns-names.ts';
import type { DnsQuery } from '../wire/dns-query.ts';
import type { Transport } from '../wire/dns-response.ts';
import { replyFromTemplate, replySizeLimit, truncateReply } from '../wire/dns-response.ts';
import type { SoaFields } from '../wire/message-writer.ts';
import { AAAA_RR_SIZE, A_RR_SIZE, MessageWriter, srvRecordSize } from '../wire/message-writer.ts';
import type { RecordSet, SrvList } from './record-set.ts';

export interface AnswerCacheConfig {
  /** Lower-case, no trailing dot. */
  domain: string;
  ttl: number;
  /** Sets RA on replies (Mesos-DNS `recurseOn`). */
  recursionAvailable: boolean;
  soa: SoaFields;
  /** SRV weight (Mesos-DNS `SRVRecordDefaultWeight`). */
  srvWeight: number;
  /** Told each time a (name, type) reply is prepared (for a prepared-answers count kept elsewhere). */
  onPrepare?: () => void;
}

/** Encodings kept per name with 3+ values (a power of two: the rotation is a mask). */
const SHUFFLED_VARIANTS = 4;
/** Truncated copies are kept for this many distinct client sizes per encoding (512 and dig's 1232 in practice). */
const TRUNCATION_SIZES_KEPT = 4;

type Values = readonly string[] | SrvList;

/** The reply for one name and type, in a few orders, each encoded on first use. */
class PreparedAnswer {
  readonly variants: Buffer[] = [];
  truncated: Map<number, Buffer>[] | undefined;
  readonly mask: number;

  constructor(
    readonly key: string,
    readonly qtype: number,
    readonly values: Values,
  ) {
    this.mask = values.length === 1 ? 0 : values.length === 2 ? 1 : SHUFFLED_VARIANTS - 1;
  }
}

export class AnswerCache {
  private readonly prepared = {
    [RRType.A]: new Map<string, PreparedAnswer>(),
    [RRType.AAAA]: new Map<string, PreparedAnswer>(),
    [RRType.SRV]: new Map<string, PreparedAnswer>(),
  };
  private readonly domainKey: string;
  private readonly flags: number;
  /** Where the reply templates of this generation of records are written. */
  private readonly writer = new MessageWriter();
  /** Per-query messages (negative answers, ANY) use their own small slabs. */
  private readonly scratch = new MessageWriter(16 * 1024);
  private turn = 0;

  constructor(
    private readonly records: RecordSet,
    private readonly config: AnswerCacheConfig,
  ) {
    this.domainKey = nameToWireKey(config.domain) ?? '';
    this.flags = Flag.QR | Flag.AA | (config.recursionAvailable ? Flag.RA : 0);
  }

  /** (name, type) replies prepared so far. */
  get preparedCount(): number {
    return this.prepared[RRType.A].size + this.prepared[RRType.AAAA].size + this.prepared[RRType.SRV].size;
  }

  /** The reply to a query, or undefined when its name is outside the domain (to be forwarded). */
  answer(query: DnsQuery, transport: Transport): Buffer | undefined {
    const qtype = query.qtype;
    const prepared =
      qtype === RRType.A || qtype === RRType.AAAA || qtype === RRType.SRV
        ? (this.prepared[qtype].get(query.key) ?? this.prepare(query.key, qtype))
        : undefined;
    if (prepared === undefined) {
      if (!isAtOrBelow(query.key, this.domainKey)) return undefined;
      return this.answerEmpty(query, transport);
    }
    const index = (this.turn = (this.turn + 1) & 0x3fffffff) & prepared.mask;
    const template = prepared.variants[index] ?? this.encodeVariant(prepared, index);
    const limit = replySizeLimit(query, transport);
    return replyFromTemplate(template.length > limit ? this.truncated(prepared, index, limit) : template, query);
  }

  private prepare(key: string, qtype: typeof RRType.A | typeof RRType.AAAA | typeof RRType.SRV): PreparedAnswer | undefined {
    const values = qtype === RRType.SRV ? this.records.srvs.get(key) : (qtype === RRType.A ? this.records.a : this.records.aaaa).get(key);
    if (values === undefined) return undefined;
    const prepared = new PreparedAnswer(key, qtype, values);
    this.prepared[qtype].set(key, prepared);
    this.config.onPrepare?.();
    return prepared;
  }

  /** Variant 0 keeps the records' order; the others are shuffles of it. */
  private encodeVariant(p: PreparedAnswer, index: number): Buffer {
    let order: number[] | undefined;
    if (index > 0) {
      order = Array.from({ length: p.values.length }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    const template = this.encode(this.writer, p.key, p.qtype, p.values, order);
    p.variants[index] = template;
    return template;
  }

  private truncated(p: PreparedAnswer, index: number, limit: number): Buffer {
    p.truncated ??= [];
    const byLimit = (p.truncated[index] ??= new Map());
    let t = byLimit.get(limit);
    if (t === undefined) {
      t = truncateReply(p.variants[index]!, limit);
      if (byLimit.size < TRUNCATION_SIZES_KEPT) byLimit.set(limit, t);
    }
    return t;
  }

  /**
   * A complete reply with the values in `order` (default: as listed), at most a TCP message (TC set if values had to
   * be left out).
   */
  private encode(w: MessageWriter, key: string, qtype: number, values: Values, order: readonly number[] | undefined): Buffer {
    const { ttl } = this.config;
    w.begin(key, qtype, this.flags);
    let complete = true;
    if (qtype === RRType.SRV) {
      complete = this.writeSrv(w, values as SrvList, order);
    } else {
      const ips = values as readonly string[];
      const size = qtype === RRType.A ? A_RR_SIZE : AAAA_RR_SIZE;
      for (let k = 0; k < ips.length; k++) {
        if (w.size + size > TCP_MAX_SIZE) {
          complete = false;
          break;
        }
        const ip = ips[order === undefined ? k : order[k]!]!;
        if (qtype === RRType.A) w.a('answer', ttl, ip);
        else w.aaaa('answer', ttl, ip);
      }
    }
    if (!complete) w.setFlags(Flag.TC);
    return w.finish();
  }

  /** SRV answers, then one A and one AAAA per distinct target as glue (Mesos-DNS's ADDITIONAL section). */
  private writeSrv(w: MessageWriter, list: SrvList, order: readonly number[] | undefined): boolean {
    const { ttl, srvWeight } = this.config;
    const targets: string[] = [];
    let complete = true;
    for (let k = 0; k < list.length; k++) {
      const i = order === undefined ? k : order[k]!;
      const target = list.targets[i]!;
      if (w.size + srvRecordSize(target.length) > TCP_MAX_SIZE) {
        complete = false;
        break;
      }
      w.srv('answer', ttl, 0, srvWeight, list.ports[i]!, target);
      targets.push(target);
    }
    const seen = new Set<string>();
    for (const target of targets) {
      if (seen.size === seen.add(target).size) continue;
      for (const ip of this.glueOf(target)) {
        // Glue that does not fit a TCP message is left out, as truncation would drop it first anyway.
        if (ip !== undefined && w.size + target.length + 1 + AAAA_RR_SIZE <= TCP_MAX_SIZE) {
          w.addressFor('additional', ttl, target, ip);
        }
      }
    }
    return complete;
  }

  private glueOf(target: string): readonly [string | undefined, string | undefined] {
    return [this.records.a.get(target)?.[0], this.records.aaaa.get(target)?.[0]];
  }

  /**
   * SOA, NS, ANY, other types and names without records (Mesos-DNS's handleEmpty): SOA and NS queries get the record
   * in AUTHORITY; an empty SRV, SOA or NS answer is NOERROR with nothing added; otherwise NXDOMAIN — or NOERROR if the
   * name has any A, AAAA or SRV record — with the SOA in AUTHORITY.
   */
  private answerEmpty(query: DnsQuery, transport: Transport): Buffer {
    const { ttl, soa } = this.config;
    const w = this.scratch;
    const qtype = query.qtype;
    const exists = this.records.has(query.key);
    let rcode: number = Rcode.NOERROR;
    if (qtype === RRType.ANY && exists) {
      w.begin(query.key, qtype, this.flags);
      this.writeAny(w, query.key);
      w.soa('authority', undefined, ttl, soa);
      w.ns('authority', undefined, ttl, soa.mnameKey);
    } else if (qtype === RRType.SOA || qtype === RRType.NS || qtype === RRType.SRV) {
      w.begin(query.key, qtype, this.flags);
      if (qtype === RRType.SOA) w.soa('authority', undefined, ttl, soa);
      if (qtype === RRType.NS) w.ns('authority', undefined, ttl, soa.mnameKey);
    } else {
      if (!exists) rcode = Rcode.NXDOMAIN;
      w.begin(query.key, qtype, this.flags | rcode);
      w.soa('authority', undefined, ttl, soa);
    }
    const reply = w.finish();
    return replyFromTemplate(truncateReply(reply, replySizeLimit(query, transport)), query);
  }

  private writeAny(w: MessageWriter, key: string): void {
    const { ttl, srvWeight } = this.config;
    const room = (bytes: number) => w.size + bytes <= TCP_MAX_SIZE / 2;
    for (const { target, port } of this.records.srvs.get(key)?.values() ?? []) {
      if (room(srvRecordSize(target.length))) w.srv('answer', ttl, 0, srvWeight, port, target);
    }
    for (const ip of this.records.a.get(key) ?? []) if (room(A_RR_SIZE)) w.a('answer', ttl, ip);
    for (const ip of this.records.aaaa.get(key) ?? []) if (room(AAAA_RR_SIZE)) w.aaaa('answer', ttl, ip);
  }
}
