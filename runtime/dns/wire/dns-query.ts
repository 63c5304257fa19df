/**
 * Reading a DNS query. The common shape — one question, nothing else but an optional EDNS0 OPT record — is parsed
 * by hand without allocating more than the lower-cased name key, because it runs once per packet. Anything else goes
 * through dns-packet's full decoder: what it rejects is a format error, what it accepts is re-encoded in the common
 * shape (one question plus OPT) and parsed again.
 */
import dnsPacket from 'dns-packet';
import { Flag, HEADER_SIZE, OPCODE_QUERY, RRType, Rcode, UDP_MIN_SIZE } from './dns-constants.ts';

export interface EdnsInfo {
  /** The client's UDP payload size, at least 512. */
  readonly udpSize: number;
  readonly version: number;
  readonly dnssecOk: boolean;
}

export interface DnsQuery {
  /** The query bytes (re-encoded when the client's message had an unusual shape). */
  readonly message: Buffer;
  readonly id: number;
  /** The query's 16-bit flags word. */
  readonly flags: number;
  /** Lower-cased wire key of the question name (see dns-names.ts). */
  readonly key: string;
  /** Offset just past QTYPE and QCLASS: bytes 12..questionEnd are the question as the client wrote it. */
  readonly questionEnd: number;
  readonly qtype: number;
  readonly qclass: number;
  readonly edns: EdnsInfo | undefined;
}

/** Not a query we answer at all (a response, or too short to carry an ID): stay silent. */
export const DROP = -1;

/** Returns the query, or DROP, or the rcode to answer with (FORMERR, NOTIMP). */
export function parseQuery(msg: Buffer): DnsQuery | number {
  const parsed = parseCommonShape(msg);
  return parsed === UNUSUAL ? parseUnusual(msg) : parsed;
}

const UNUSUAL = -2;

function parseCommonShape(msg: Buffer): DnsQuery | number {
  const len = msg.length;
  if (len < HEADER_SIZE) return DROP;
  const flags = (msg[2]! << 8) | msg[3]!;
  if (flags & Flag.QR) return DROP;
  if (((flags >> 11) & 0xf) !== OPCODE_QUERY) return Rcode.NOTIMP;
  if (msg[4] !== 0 || msg[5] !== 1) return Rcode.FORMERR; // QDCOUNT must be 1
  const arcount = (msg[10]! << 8) | msg[11]!;
  if (msg[6] !== 0 || msg[7] !== 0 || msg[8] !== 0 || msg[9] !== 0 || arcount > 1) return UNUSUAL;

  let pos = HEADER_SIZE;
  for (;;) {
    if (pos >= len) return Rcode.FORMERR;
    const labelLen = msg[pos]!;
    if (labelLen === 0) break;
    // A compression pointer in the first question can only point into the header or back into the name itself.
    if (labelLen > 63) return Rcode.FORMERR;
    pos += labelLen + 1;
  }
  const nameEnd = pos; // the terminating zero
  if (nameEnd - HEADER_SIZE + 1 > 255) return Rcode.FORMERR;
  const questionEnd = nameEnd + 5;
  if (questionEnd > len) return Rcode.FORMERR;
  const qtype = (msg[nameEnd + 1]! << 8) | msg[nameEnd + 2]!;
  const qclass = (msg[nameEnd + 3]! << 8) | msg[nameEnd + 4]!;

  let edns: EdnsInfo | undefined;
  if (arcount === 1) {
    // OPT: root owner, TYPE 41, CLASS = payload size, TTL = ext-rcode|version|flags, RDLENGTH, options.
    const p = questionEnd;
    if (p + 11 > len || msg[p] !== 0 || ((msg[p + 1]! << 8) | msg[p + 2]!) !== RRType.OPT) return UNUSUAL;
    if (p + 11 + ((msg[p + 9]! << 8) | msg[p + 10]!) !== len) return UNUSUAL;
    edns = {
      udpSize: Math.max(UDP_MIN_SIZE, (msg[p + 3]! << 8) | msg[p + 4]!),
      version: msg[p + 6]!,
      dnssecOk: (msg[p + 7]! & 0x80) !== 0,
    };
  } else if (questionEnd !== len) {
    return UNUSUAL;
  }
  return {
    message: msg,
    id: (msg[0]! << 8) | msg[1]!,
    flags,
    key: msg.toString('latin1', HEADER_SIZE, nameEnd).toLowerCase(),
    questionEnd,
    qtype,
    qclass,
    edns,
  };
}

/** Unusual but possibly valid: trailing bytes, records in the answer/authority sections, TSIG, … */
function parseUnusual(msg: Buffer): DnsQuery | number {
  let decoded: dnsPacket.DecodedPacket;
  try {
    decoded = dnsPacket.decode(msg);
  } catch {
    return Rcode.FORMERR;
  }
  const question = decoded.questions?.[0];
  if (decoded.questions?.length !== 1 || question === undefined) return Rcode.FORMERR;
  const opts = (decoded.additionals ?? []).filter((rr) => rr.type === 'OPT');
  if (opts.length > 1) return Rcode.FORMERR; // RFC 6891 §6.1.1
  let normalized: Buffer;
  try {
    normalized = dnsPacket.encode({
      type: 'query',
      id: decoded.id ?? 0,
      flags: (decoded.flags ?? 0) & 0x7fff,
      questions: [question],
      additionals: opts,
    });
  } catch {
    return Rcode.FORMERR;
  }
  const reparsed = parseCommonShape(normalized);
  return reparsed === UNUSUAL ? Rcode.FORMERR : reparsed;
}
