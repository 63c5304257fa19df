/** DNS wire constants (RFC 1035, 2782, 3596, 6891) used by the hand-written hot paths. */

export const HEADER_SIZE = 12;
/** RFC 1035 limit for UDP replies when the client sent no EDNS0 OPT record. */
export const UDP_MIN_SIZE = 512;
/** A TCP message is framed by a 16-bit length. */
export const TCP_MAX_SIZE = 65535;
/** What we advertise in our own OPT record (the 2020 DNS flag day value, safe from IP fragmentation). */
export const EDNS_ADVERTISED_SIZE = 1232;

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  ANY: 255,
} as const;

export const RRClass = { IN: 1 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended rcode (needs OPT): the upper 8 bits go in the OPT TTL. */
  BADVERS: 16,
} as const;

export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  16: 'BADVERS',
};

/** Bits of the 16-bit flags word (header bytes 2-3). */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  CD: 0x0010,
} as const;

export const OPCODE_QUERY = 0;
