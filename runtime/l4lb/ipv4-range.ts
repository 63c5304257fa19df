/** IPv4 CIDR ranges as 32-bit integers, for allocating named-VIP addresses. */
import { isIPv4 } from 'node:net';

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) as number;
}

export function intToIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Ipv4Range {
  /** First and last usable address (network and broadcast addresses excluded), inclusive. */
  readonly first: number;
  readonly last: number;
  readonly size: number;
}

/** Parses `a.b.c.d/len` (len 8–30: at least two usable addresses). Throws on anything else: it is configuration. */
export function parseIpv4Range(cidr: string): Ipv4Range {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(cidr);
  const len = m ? Number(m[2]) : NaN;
  if (!m || !isIPv4(m[1]!) || !(len >= 8 && len <= 30))
    throw new Error(`invalid VIP range "${cidr}" (want a.b.c.d/8..30)`);
  const mask = (0xffffffff << (32 - len)) >>> 0;
  const network = (ipv4ToInt(m[1]!) & mask) >>> 0;
  const broadcast = (network | (~mask >>> 0)) >>> 0;
  return { first: network + 1, last: broadcast - 1, size: broadcast - network - 1 };
}
