/**
 * Named VIPs (`<name>.<framework>.l4lb.thisdcos.directory`) come from the L4LB's VIP allocator; the forwarder only
 * reads them through this interface, so it does not depend on how VIPs are allocated.
 */

export interface VipNameSource {
  /** VIP addresses (IPv4 and/or IPv6) of a lower-cased FQDN without trailing dot; undefined if unknown. */
  resolve(fqdnLowercase: string): string[] | undefined;
  /** Every VIP name and its addresses (for metrics: records per zone). */
  names(): Iterable<[string, string[]]>;
}

/** A VIP source over a Map (tests, static setups). Names are lower-cased on the way in. */
export class MapVipNameSource implements VipNameSource {
  private readonly vips = new Map<string, string[]>();

  constructor(entries: Iterable<[string, string[]]> = []) {
    for (const [name, ips] of entries) this.set(name, ips);
  }

  set(name: string, ips: string[]): void {
    this.vips.set(name.toLowerCase().replace(/\.$/, ''), ips);
  }

  delete(name: string): void {
    this.vips.delete(name.toLowerCase().replace(/\.$/, ''));
  }

  resolve(fqdnLowercase: string): string[] | undefined {
    return this.vips.get(fqdnLowercase);
  }

  names(): Iterable<[string, string[]]> {
    return this.vips.entries();
  }
}
