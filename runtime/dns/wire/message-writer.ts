/**
 * Writes complete DNS reply messages — "templates" with ID 0 and a lower-cased question — into large shared slabs,
 * so building hundreds of thousands of them at reload time costs a few big allocations, not one per message.
 *
 * Every name written after the question is either a pointer to the question (owner names) or compressed against a
 * suffix of the question only, so records never point at one another: answers can be reordered byte-for-byte.
 * SRV targets are never compressed (RFC 2782, RFC 3597 §4).
 */
import { HEADER_SIZE, RRClass, RRType, TCP_MAX_SIZE } from './dns-constants.ts';
import { ipv6Bytes } from './ip-address.ts';

export type Section = 'answer' | 'authority' | 'additional';

/** Size of an RR whose owner is a pointer: pointer, type, class, TTL, RDLENGTH. */
export const RR_FIXED_SIZE = 12;
export const A_RR_SIZE = RR_FIXED_SIZE + 4;
export const AAAA_RR_SIZE = RR_FIXED_SIZE + 16;
/** Bytes of an SRV answer for a target whose wire key has `targetKeyLength` characters. */
export const srvRecordSize = (targetKeyLength: number): number => RR_FIXED_SIZE + 6 + targetKeyLength + 1;

export interface SoaFields {
  /** Wire keys. */
  mnameKey: string;
  rnameKey: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

const DEFAULT_SLAB = 256 * 1024;

export class MessageWriter {
  private slab: Buffer;
  private start = 0;
  private pos = 0;
  private question = '';
  private counts = { answer: 0, authority: 0, additional: 0 };

  constructor(private readonly slabSize = DEFAULT_SLAB) {
    this.slab = Buffer.allocUnsafe(slabSize);
  }

  /** Current size of the message being written. */
  get size(): number {
    return this.pos - this.start;
  }

  /** Starts a reply to the question (`key` lower-cased, class IN) with the given flags word (QR, AA, rcode, …). */
  begin(key: string, qtype: number, flags: number): void {
    this.ensure(HEADER_SIZE + key.length + 5);
    this.start = this.pos;
    this.question = key;
    this.counts = { answer: 0, authority: 0, additional: 0 };
    this.pos += 2; // ID, patched per query
    this.u16(flags);
    this.u16(1);
    this.pos += 6; // counts, written by finish()
    this.latin1(key);
    this.slab[this.pos++] = 0;
    this.u16(qtype);
    this.u16(RRClass.IN);
  }

  /** A record owned by the question name. Returns false (writing nothing) for an unparseable address. */
  a(section: Section, ttl: number, ip: string): boolean {
    this.ensure(A_RR_SIZE);
    const mark = this.pos;
    this.rrHeader(RRType.A, ttl, 4);
    if (!this.ipv4(ip)) {
      this.pos = mark;
      return false;
    }
    this.counts[section]++;
    return true;
  }

  aaaa(section: Section, ttl: number, ip: string): boolean {
    const bytes = ipv6Bytes(ip);
    if (bytes === undefined) return false;
    this.ensure(AAAA_RR_SIZE);
    this.rrHeader(RRType.AAAA, ttl, 16);
    this.pos += bytes.copy(this.slab, this.pos);
    this.counts[section]++;
    return true;
  }

  /** SRV record owned by the question name; `targetKey` is the target's wire key. */
  srv(section: Section, ttl: number, priority: number, weight: number, port: number, targetKey: string): void {
    this.ensure(srvRecordSize(targetKey.length));
    this.rrHeader(RRType.SRV, ttl, 6 + targetKey.length + 1);
    this.u16(priority);
    this.u16(weight);
    this.u16(port);
    this.latin1(targetKey);
    this.slab[this.pos++] = 0;
    this.counts[section]++;
  }

  /** A or AAAA record owned by `ownerKey` (compressed against the question), e.g. SRV target glue. */
  addressFor(section: Section, ttl: number, ownerKey: string, ip: string): boolean {
    const v6 = ip.includes(':');
    const bytes = v6 ? ipv6Bytes(ip) : undefined;
    if (v6 && bytes === undefined) return false;
    this.ensure(ownerKey.length + 1 + AAAA_RR_SIZE);
    const mark = this.pos;
    this.compressedName(ownerKey);
    this.u16(v6 ? RRType.AAAA : RRType.A);
    this.u16(RRClass.IN);
    this.u32(ttl);
    if (bytes !== undefined) {
      this.u16(16);
      this.pos += bytes.copy(this.slab, this.pos);
    } else {
      this.u16(4);
      if (!this.ipv4(ip)) {
        this.pos = mark;
        return false;
      }
    }
    this.counts[section]++;
    return true;
  }

  /** SOA record; `ownerKey` undefined means the question name. */
  soa(section: Section, ownerKey: string | undefined, ttl: number, soa: SoaFields): void {
    this.ensure((ownerKey?.length ?? 0) + soa.mnameKey.length + soa.rnameKey.length + 40);
    this.owner(ownerKey);
    this.u16(RRType.SOA);
    this.u16(RRClass.IN);
    this.u32(ttl);
    const rdlenAt = this.pos;
    this.pos += 2;
    this.compressedName(soa.mnameKey);
    this.compressedName(soa.rnameKey);
    this.u32(soa.serial);
    this.u32(soa.refresh);
    this.u32(soa.retry);
    this.u32(soa.expire);
    this.u32(soa.minimum);
    this.slab.writeUInt16BE(this.pos - rdlenAt - 2, rdlenAt);
    this.counts[section]++;
  }

  /** NS record; `ownerKey` undefined means the question name. */
  ns(section: Section, ownerKey: string | undefined, ttl: number, nsKey: string): void {
    this.ensure((ownerKey?.length ?? 0) + nsKey.length + 16);
    this.owner(ownerKey);
    this.u16(RRType.NS);
    this.u16(RRClass.IN);
    this.u32(ttl);
    const rdlenAt = this.pos;
    this.pos += 2;
    this.compressedName(nsKey);
    this.slab.writeUInt16BE(this.pos - rdlenAt - 2, rdlenAt);
    this.counts[section]++;
  }

  /** Sets header flag bits of the message being written (TC once answers had to be left out). */
  setFlags(bits: number): void {
    const at = this.start + 2;
    this.slab.writeUInt16BE(this.slab.readUInt16BE(at) | bits, at);
  }

  /** Ends the message: a view of its bytes in the slab (never rewritten). */
  finish(): Buffer {
    const s = this.start;
    this.slab[s] = this.slab[s + 1] = 0;
    this.slab.writeUInt16BE(this.counts.answer, s + 6);
    this.slab.writeUInt16BE(this.counts.authority, s + 8);
    this.slab.writeUInt16BE(this.counts.additional, s + 10);
    this.start = this.pos;
    return this.slab.subarray(s, this.pos);
  }

  private rrHeader(type: number, ttl: number, rdlength: number): void {
    this.u16(0xc000 | HEADER_SIZE);
    this.u16(type);
    this.u16(RRClass.IN);
    this.u32(ttl);
    this.u16(rdlength);
  }

  private owner(key: string | undefined): void {
    if (key === undefined) this.u16(0xc000 | HEADER_SIZE);
    else this.compressedName(key);
  }

  /**
   * The name's leading labels, then a pointer to the longest suffix it shares with the question — found by comparing
   * the two keys from their ends, so no strings are built.
   */
  private compressedName(key: string): void {
    const q = this.question;
    let common = 0;
    while (common < key.length && common < q.length && key.charCodeAt(key.length - 1 - common) === q.charCodeAt(q.length - 1 - common)) {
      common++;
    }
    // The first label boundary of `key` inside the common tail that is also a label boundary of the question.
    let at = 0;
    while (at < key.length) {
      const suffix = key.length - at;
      if (suffix <= common && isLabelStart(q, q.length - suffix)) {
        for (let i = 0; i < at; i++) this.slab[this.pos++] = key.charCodeAt(i);
        this.u16(0xc000 | (HEADER_SIZE + q.length - suffix));
        return;
      }
      at += key.charCodeAt(at) + 1;
    }
    this.latin1(key);
    this.slab[this.pos++] = 0;
  }

  private latin1(s: string): void {
    const slab = this.slab;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) slab[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Writes dotted-quad text as 4 bytes without allocating. */
  private ipv4(ip: string): boolean {
    let octet = 0;
    let digits = 0;
    let dots = 0;
    for (let i = 0; i < ip.length; i++) {
      const c = ip.charCodeAt(i);
      if (c === 0x2e) {
        if (digits === 0 || dots === 3) return false;
        this.slab[this.pos + dots++] = octet;
        octet = 0;
        digits = 0;
      } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
        octet = octet * 10 + c - 0x30;
        digits++;
        if (octet > 255) return false;
      } else {
        return false;
      }
    }
    if (digits === 0 || dots !== 3) return false;
    this.slab[this.pos + 3] = octet;
    this.pos += 4;
    return true;
  }

  private u16(v: number): void {
    this.slab[this.pos++] = v >>> 8;
    this.slab[this.pos++] = v & 0xff;
  }

  private u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }

  /** Room for `bytes` more; a message that outgrows the slab moves to a new one. */
  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.slab.length) return;
    const partial = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(this.slabSize, (partial + bytes) * 2, TCP_MAX_SIZE));
    this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = partial;
  }
}

/** Whether `pos` starts a label of the wire key (walking its length bytes). */
function isLabelStart(key: string, pos: number): boolean {
  let at = 0;
  while (at < pos) at += key.charCodeAt(at) + 1;
  return at === pos;
}
