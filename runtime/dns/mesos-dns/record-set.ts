/**
 * The records Mesos-DNS serves, with set semantics (a name+value pair is kept once) and insertion order. Names are
 * wire keys (dns-names.ts) — the form queries arrive in — so serving never converts names; presentation names
 * (`app.marathon.mesos.`) are made only for the HTTP API.
 */
import { nameToWireKey, wireKeyToName } from '../wire/dns-names.ts';

export type RecordType = 'A' | 'AAAA' | 'SRV';

export interface SrvValue {
  /** Wire key of the target name. */
  readonly target: string;
  readonly port: number;
}

/**
 * Where generated records go. `owner` is the task the record was generated for (undefined for frameworks, agents and
 * masters); only `/v1/enumerate` cares.
 */
export interface RecordSink {
  address(name: string, ip: string, owner?: object): void;
  /** Every address of `ips`; the sink may keep a frozen `ips` as the name's list (see RecordSet). */
  addresses(name: string, ips: readonly string[], owner?: object): void;
  srv(name: string, target: string, port: number, owner?: object): void;
  /** Every value of a frozen list (`owners[i]` owns value i); the sink may keep the list itself for the name. */
  srvList(name: string, list: SrvList, owners: readonly object[]): void;
}

/** Lists up to this long are de-duplicated by scanning; longer ones get a Set beside them. */
const SCAN_LIMIT = 64;

/**
 * The SRV values of one name as parallel lists: 100,000 tasks make 800,000 SRV values, and values as objects would
 * be as many long-lived allocations.
 */
export class SrvList {
  readonly targets: string[] = [];
  readonly ports: number[] = [];
  private seen: Set<string> | undefined;
  /** A frozen list may be shared by several names; it is copied before being added to. */
  frozen = false;

  get length(): number {
    return this.ports.length;
  }

  /** Adds the value unless present; returns whether it was added. */
  add(target: string, port: number): boolean {
    const { targets, ports } = this;
    if (this.frozen) throw new Error('SrvList is frozen');
    if (this.seen === undefined) {
      for (let i = 0; i < ports.length; i++) if (ports[i] === port && targets[i] === target) return false;
      if (ports.length >= SCAN_LIMIT) this.seen = new Set(ports.map((p, i) => `${p} ${targets[i]}`));
    } else if (this.seen.size === this.seen.add(`${port} ${target}`).size) {
      return false;
    }
    targets.push(target);
    ports.push(port);
    return true;
  }

  /** A frozen list of values already known to be distinct (records decoded from another thread). */
  static ofDistinct(targets: string[], ports: number[]): SrvList {
    const list = new SrvList();
    for (let i = 0; i < ports.length; i++) {
      list.targets.push(targets[i]!);
      list.ports.push(ports[i]!);
    }
    return list.freeze();
  }

  copy(): SrvList {
    const list = new SrvList();
    for (let i = 0; i < this.ports.length; i++) list.add(this.targets[i]!, this.ports[i]!);
    return list;
  }

  freeze(): this {
    this.frozen = true;
    this.seen = undefined;
    return this;
  }

  values(): SrvValue[] {
    return this.ports.map((port, i) => ({ target: this.targets[i]!, port }));
  }

}

export class RecordSet implements RecordSink {
  /** Lists may be shared and frozen (see addresses()): read them, never write them. */
  readonly a = new Map<string, readonly string[]>();
  readonly aaaa = new Map<string, readonly string[]>();
  readonly srvs = new Map<string, SrvList>();
  private readonly largeLists = new Map<string[], Set<string>>();
  // The generator adds runs of values to one name; remembering the last list saves a hash lookup per value.
  private lastName: string | undefined;
  private lastList: string[] | undefined;
  private lastSrvName: string | undefined;
  private lastSrvList: SrvList | undefined;

  address(name: string, ip: string): void {
    const v6 = ip.includes(':');
    let list = name === this.lastName && !v6 ? this.lastList : undefined;
    if (list === undefined) {
      const map = v6 ? this.aaaa : this.a;
      const found = map.get(name);
      // Lists this set made are writable; shared ones are frozen and get copied first.
      list = found === undefined || Object.isFrozen(found) ? [...(found ?? [])] : (found as string[]);
      if (list !== found) map.set(name, list);
      if (!v6) {
        this.lastName = name;
        this.lastList = list;
      }
    }
    if (list.length < SCAN_LIMIT) {
      if (!list.includes(ip)) list.push(ip);
      return;
    }
    const seen = this.seen(list);
    if (!seen.has(ip)) {
      seen.add(ip);
      list.push(ip);
    }
  }

  /**
   * A name seen for the first time takes a frozen, single-family `ips` as its list, shared rather than copied: most
   * task names carry exactly their agent's (frozen) address list, and 100,000 tasks would otherwise mean 200,000
   * one-element arrays. A shared list is copied before it is ever added to.
   */
  addresses(name: string, ips: readonly string[]): void {
    if (ips.length === 0) return;
    if (Object.isFrozen(ips)) {
      const v6 = ips[0]!.includes(':');
      let sameFamily = true;
      for (let i = 1; i < ips.length; i++) sameFamily &&= ips[i]!.includes(':') === v6;
      const map = v6 ? this.aaaa : this.a;
      if (sameFamily && map.get(name) === undefined) {
        map.set(name, ips);
        return;
      }
    }
    for (const ip of ips) this.address(name, ip);
  }

  srv(name: string, target: string, port: number): void {
    let list = name === this.lastSrvName ? this.lastSrvList : undefined;
    if (list === undefined) {
      const found = this.srvs.get(name);
      list = found === undefined ? new SrvList() : found.frozen ? found.copy() : found;
      if (list !== found) this.srvs.set(name, list);
      this.lastSrvName = name;
      this.lastSrvList = list;
    }
    list.add(target, port);
  }

  /** A name seen for the first time shares the (frozen) list: a task group's SRV names mostly hold the same values. */
  srvList(name: string, list: SrvList): void {
    if (!list.frozen || this.srvs.has(name)) {
      for (let i = 0; i < list.length; i++) this.srv(name, list.targets[i]!, list.ports[i]!);
    } else if (list.length > 0) {
      this.srvs.set(name, list);
    }
  }

  /** Whether the name (wire key) has any A, AAAA or SRV record (what separates NODATA from NXDOMAIN). */
  has(name: string): boolean {
    return this.a.has(name) || this.aaaa.has(name) || this.srvs.has(name);
  }

  /** Lookups by presentation name, for the HTTP API. */
  addressesOf(name: string): string[] {
    const key = nameToWireKey(name);
    return key === undefined ? [] : [...(this.a.get(key) ?? []), ...(this.aaaa.get(key) ?? [])];
  }

  srvOf(name: string): readonly SrvValue[] {
    const key = nameToWireKey(name);
    return key === undefined ? [] : (this.srvs.get(key)?.values() ?? []);
  }

  /** Names with at least one record. */
  nameCount(): number {
    let n = this.a.size + this.srvs.size;
    for (const name of this.aaaa.keys()) if (!this.a.has(name) && !this.srvs.has(name)) n++;
    return n;
  }

  valueCount(): { a: number; aaaa: number; srv: number } {
    const count = (m: Map<string, { length: number }>) => {
      let n = 0;
      for (const v of m.values()) n += v.length;
      return n;
    };
    return { a: count(this.a), aaaa: count(this.aaaa), srv: count(this.srvs) };
  }

  /** Drops what is only needed while adding. */
  seal(): this {
    this.largeLists.clear();
    for (const list of this.srvs.values()) list.freeze();
    this.lastName = this.lastSrvName = undefined;
    this.lastList = this.lastSrvList = undefined;
    return this;
  }

  private seen(list: string[]): Set<string> {
    let seen = this.largeLists.get(list);
    if (seen === undefined) this.largeLists.set(list, (seen = new Set(list)));
    return seen;
  }
}

/** `target.:port`, as Mesos-DNS writes SRV values in its HTTP API. */
export function srvText(v: SrvValue): string {
  return `${wireKeyToName(v.target)}:${v.port}`;
}
