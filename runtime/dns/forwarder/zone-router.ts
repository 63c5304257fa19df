/**
 * dcos-dns's zone routing, in its order (first match wins), on lower-cased wire keys:
 *  1. `*.dclb.thisdcos.directory` → answered internally as `*.l4lb.thisdcos.directory`
 *  2. `*.dclb.thisdcos.global` → likewise
 *  3. `*.<x>.thisdcos.global` → internally as `*.<x>.thisdcos.directory`
 *  4. `*.<x>.<cluster id>.dcos.directory` → internally as `*.<x>.thisdcos.directory` (other ids go upstream)
 *  5. `*.mesos` → the masters' Mesos-DNS
 *  6. `localhost`, `*.zk`, `*.spartan`, `*.<x>.thisdcos.directory` → internal zones
 *  7. the longest matching forward zone → its upstreams; else the default upstreams
 * Renamed names are only looked up under the new name: answers point at the question, so they carry the name asked.
 */
import { isAtOrBelow, labelsToWireKey, nameToWireKey, wireKeyLabels } from '../wire/dns-names.ts';
import type { Upstream } from '../wire/upstream-exchange.ts';

export type Route =
  /** `lookupKey`: the (possibly renamed) name to look up; `zoneLabels`: label count of the zone apex. */
  | { kind: 'internal'; lookupKey: string; zoneLabels: number }
  | { kind: 'mesos' }
  | { kind: 'upstream'; zone: string; upstreams: readonly Upstream[] };

export interface ForwardZone {
  /** Presentation name, e.g. `a.contoso.com`. */
  zone: string;
  upstreams: readonly Upstream[];
}

const key = (name: string) => nameToWireKey(name)!;
const THISDCOS_DIRECTORY = key('thisdcos.directory');
const THISDCOS_GLOBAL = key('thisdcos.global');
const DCOS_DIRECTORY = key('dcos.directory');
const L4LB = key('l4lb.thisdcos.directory');
const MESOS = key('mesos');
const INTERNAL_ROOTS = [key('localhost'), key('zk'), key('spartan')];

export class ZoneRouter {
  private readonly forwardZones: { key: string; zone: string; upstreams: readonly Upstream[] }[];

  constructor(
    private readonly defaultUpstreams: readonly Upstream[],
    forwardZones: readonly ForwardZone[] = [],
    /** zbase32 of the cluster's public key (`<x>.<id>.dcos.directory`); undefined: none routed internally. */
    private readonly clusterId?: string,
  ) {
    // Longest zone first, so the deepest match wins.
    this.forwardZones = forwardZones
      .map((z) => ({ key: key(z.zone), zone: z.zone.toLowerCase().replace(/\.$/, ''), upstreams: z.upstreams }))
      .sort((a, b) => b.key.length - a.key.length);
  }

  route(name: string): Route {
    const labels = wireKeyLabels(name);
    const n = labels.length;
    const from = (i: number) => labels.slice(0, i);
    // 1-2: <prefix>.dclb.thisdcos.{directory,global}
    if (n >= 3 && labels[n - 3] === 'dclb' && labels[n - 2] === 'thisdcos' && (labels[n - 1] === 'directory' || labels[n - 1] === 'global')) {
      return internal(labelsToWireKey(from(n - 3)) + L4LB, 3);
    }
    // 3: <prefix>.<x>.thisdcos.global
    if (n >= 3 && isAtOrBelow(name, THISDCOS_GLOBAL)) {
      return internal(labelsToWireKey(from(n - 2)) + THISDCOS_DIRECTORY, 3);
    }
    // 4: <prefix>.<x>.<id>.dcos.directory
    if (n >= 4 && isAtOrBelow(name, DCOS_DIRECTORY) && this.clusterId !== undefined && labels[n - 3] === this.clusterId.toLowerCase()) {
      return internal(labelsToWireKey([...from(n - 3), 'thisdcos', 'directory']), 4);
    }
    if (isAtOrBelow(name, MESOS)) return { kind: 'mesos' };
    for (const root of INTERNAL_ROOTS) if (isAtOrBelow(name, root)) return internal(name, 1);
    if (n >= 3 && isAtOrBelow(name, THISDCOS_DIRECTORY)) return internal(name, 3);
    for (const z of this.forwardZones) if (isAtOrBelow(name, z.key)) return { kind: 'upstream', zone: z.zone, upstreams: z.upstreams };
    return { kind: 'upstream', zone: '.', upstreams: this.defaultUpstreams };
  }
}

const internal = (lookupKey: string, zoneLabels: number): Route => ({ kind: 'internal', lookupKey, zoneLabels });
