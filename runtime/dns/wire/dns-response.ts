/**
 * Turning a prebuilt reply into the reply to one query, error replies, EDNS0 OPT, and truncation. Shared by
 * Mesos-DNS and the forwarder so both answer the same way where the logic is the same.
 */
import { EDNS_ADVERTISED_SIZE, Flag, HEADER_SIZE, RRType, TCP_MAX_SIZE, UDP_MIN_SIZE } from './dns-constants.ts';
import type { DnsQuery } from './dns-query.ts';

export type Transport = 'udp' | 'tcp';

/** Size of the OPT record we add to replies to EDNS0 queries (root name, no options). */
export const OPT_SIZE = 11;

/** The largest UDP payload over IPv4. */
const UDP_MAX_SIZE = 65507;

/**
 * Largest reply the client accepts — 512 bytes, the client's EDNS0 size, or a TCP message — not counting the OPT
 * record we append for EDNS0 clients.
 */
export function replySizeLimit(query: DnsQuery, transport: Transport): number {
  if (transport === 'tcp') return TCP_MAX_SIZE - (query.edns ? OPT_SIZE : 0);
  return query.edns ? Math.min(query.edns.udpSize, UDP_MAX_SIZE) - OPT_SIZE : UDP_MIN_SIZE;
}

/**
 * A copy of `template` (a complete reply built for the lower-cased question, ID 0, no OPT) answering `query`: the
 * client's ID, RD and CD bits, its question bytes as written (so 0x20 case randomisation is echoed) and, for EDNS0
 * clients, our OPT record.
 */
export function replyFromTemplate(template: Buffer, query: DnsQuery): Buffer {
  const msg = query.message;
  const withOpt = query.edns !== undefined;
  const out = Buffer.allocUnsafe(template.length + (withOpt ? OPT_SIZE : 0));
  template.copy(out, 0);
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  out[2] = template[2]! | (msg[2]! & 0x01);
  out[3] = template[3]! | (msg[3]! & 0x10);
  msg.copy(out, HEADER_SIZE, HEADER_SIZE, query.questionEnd);
  if (withOpt) writeOpt(out, template.length, 0);
  return out;
}

/** A reply with no records: the question echoed, `rcode`, and OPT for EDNS0 clients (BADVERS goes there). */
export function emptyReply(query: DnsQuery, rcode: number, flags = 0): Buffer {
  const questionLen = query.questionEnd - HEADER_SIZE;
  const out = Buffer.alloc(HEADER_SIZE + questionLen + (query.edns ? OPT_SIZE : 0));
  writeReplyHeader(out, query, flags, rcode & 0xf);
  out.writeUInt16BE(1, 4);
  query.message.copy(out, HEADER_SIZE, HEADER_SIZE, query.questionEnd);
  if (query.edns) writeOpt(out, HEADER_SIZE + questionLen, rcode >> 4);
  return out;
}

/** The reply to a message too broken to echo: the header only, with the message's ID and opcode. */
export function headerOnlyReply(msg: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  out.writeUInt16BE(Flag.QR | (((msg[2]! << 8) | msg[3]!) & 0x7900) | (rcode & 0xf), 2);
  return out;
}

function writeReplyHeader(out: Buffer, query: DnsQuery, flags: number, rcode: number): void {
  out.writeUInt16BE(query.id, 0);
  out.writeUInt16BE(Flag.QR | (query.flags & (0x7800 | Flag.RD | Flag.CD)) | flags | rcode, 2);
}

/** Appends our OPT record at `offset` (space must be there) and counts it in ARCOUNT. */
function writeOpt(out: Buffer, offset: number, extendedRcode: number): void {
  out[offset] = 0;
  out.writeUInt16BE(RRType.OPT, offset + 1);
  out.writeUInt16BE(EDNS_ADVERTISED_SIZE, offset + 3);
  out[offset + 5] = extendedRcode;
  out.fill(0, offset + 6, offset + 11); // version 0, no flags, no options
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
}

/** Adds our OPT record to a reply for an EDNS0 client. */
export function withOpt(reply: Buffer, query: DnsQuery): Buffer {
  if (!query.edns) return reply;
  const out = Buffer.allocUnsafe(reply.length + OPT_SIZE);
  reply.copy(out, 0);
  writeOpt(out, reply.length, 0);
  return out;
}

/** Offset just past the name at `pos` (labels, ending in a zero or a pointer); -1 when it runs off the end. */
export function skipName(msg: Buffer, pos: number): number {
  while (pos < msg.length) {
    const len = msg[pos]!;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= msg.length ? pos + 2 : -1;
    if (len > 63) return -1;
    pos += len + 1;
  }
  return -1;
}

/**
 * Mesos-DNS's truncation: the additional and authority sections go first, then the longest prefix of answers that
 * fits; TC is set. Returns the message unchanged when it already fits. Names in a DNS message only point backwards,
 * so cutting the tail keeps every compression pointer valid.
 */
export function truncateReply(reply: Buffer, limit: number): Buffer {
  if (reply.length <= limit) return reply;
  const qdcount = reply.readUInt16BE(4);
  const ancount = reply.readUInt16BE(6);
  let pos = HEADER_SIZE;
  for (let i = 0; i < qdcount && pos >= 0; i++) {
    pos = skipName(reply, pos);
    if (pos >= 0) pos += 4;
  }
  let fitting = 0;
  let end = pos;
  for (let i = 0; i < ancount && pos >= 0; i++) {
    pos = skipName(reply, pos);
    if (pos < 0 || pos + 10 > reply.length) break;
    pos += 10 + reply.readUInt16BE(pos + 8);
    if (pos > limit) break;
    fitting++;
    end = pos;
  }
  const out = Buffer.from(reply.subarray(0, Math.min(end, reply.length)));
  out[2] = out[2]! | (Flag.TC >> 8);
  out.writeUInt16BE(fitting, 6);
  out.writeUInt32BE(0, 8); // NSCOUNT, ARCOUNT
  return out;
}
