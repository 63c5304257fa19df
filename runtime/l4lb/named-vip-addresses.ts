/**
 * Gives each named VIP an address in the VIP range. As in dcos-l4lb, the start point is a hash of the name and a
 * collision takes the next free address (wrapping), so a name normally lands on the same address on every node and
 * across restarts. Once given, an address stays with its name for the life of the process, so clients holding a
 * resolved address keep reaching the same VIP even if it disappears for a while.
 */
import { intToIpv4, parseIpv4Range, type Ipv4Range } from './ipv4-range.ts';

/** FNV-1a over UTF-8: tiny, stable across processes and versions (unlike Erlang's phash2, which DC/OS used). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class NamedVipAddresses {
  readonly range: Ipv4Range;
  private readonly byName = new Map<string, string>();
  private readonly taken = new Set<number>();

  constructor(cidr: string) {
    this.range = parseIpv4Range(cidr);
  }

  /** The address of `name`, allocating one on first use. Throws when the range is exhausted. */
  addressOf(name: string): string {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const { first, size } = this.range;
    let offset = fnv1a(name) % size;
    for (let tries = 0; tries < size; tries++, offset = (offset + 1) % size) {
      if (this.taken.has(offset)) continue;
      this.taken.add(offset);
      const ip = intToIpv4(first + offset);
      this.byName.set(name, ip);
      return ip;
    }
    throw new Error(`VIP range exhausted: no address left for ${name}`);
  }

  get allocated(): number {
    return this.byName.size;
  }
}
