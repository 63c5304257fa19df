/**
 * The desired VIP state: which VIPs exist and which backends serve each. It is what `/master/state` (or the
 * runtime's own events) say, before any VIP addresses are allocated; the L4lb turns it into listeners.
 */
import { isIP } from 'node:net';
import { formatIpPort, parsePort, type IpPort } from './ip-port.ts';
import { namedVipFqdn } from './vip-names.ts';

/** A VIP label value names either a fixed address (`10.0.0.5:80`) or a name (`/web:80`) given an address by us. */
export type VipTarget =
  | { readonly kind: 'ip'; readonly ip: string; readonly port: number }
  | { readonly kind: 'named'; readonly fqdn: string; readonly port: number };

export type BackendAddress = IpPort;

export interface VipDefinition {
  readonly target: VipTarget;
  readonly backends: readonly BackendAddress[];
}

/** One entry per VIP; `update()` merges entries with the same target. */
export type VipTable = readonly VipDefinition[];

/** The framework DC/OS names VIPs under when nothing else is known. */
export const DEFAULT_FRAMEWORK = 'marathon';

/** `fqdn:port` or `ip:port`: what identifies a VIP in the table. */
export function vipTargetKey(target: VipTarget): string {
  return target.kind === 'named' ? `${target.fqdn}:${target.port}` : formatIpPort(target.ip, target.port);
}

/**
 * Parses a `VIP_n` label value. As dcos-l4lb does, it splits at the last `:` and takes an IP address on the left as a
 * fixed VIP, anything else as a name (`/web`, `web`, `/group/app`). Undefined for a value that names no valid VIP.
 */
export function parseVipLabel(value: string, framework: string = DEFAULT_FRAMEWORK): VipTarget | undefined {
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const port = parsePort(value.slice(colon + 1));
  if (port === undefined) return undefined;
  let host = value.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']') && isIP(host.slice(1, -1)) === 6) host = host.slice(1, -1);
  if (isIP(host) !== 0) return { kind: 'ip', ip: host, port };
  const fqdn = namedVipFqdn(host, framework);
  return fqdn === undefined ? undefined : { kind: 'named', fqdn, port };
}

/** Merges entries naming the same VIP and drops duplicate backends, keeping first-seen order. */
export function normalizeVipTable(table: VipTable): Map<string, VipDefinition> {
  const merged = new Map<string, { target: VipTarget; backends: Map<string, BackendAddress> }>();
  for (const def of table) {
    const key = vipTargetKey(def.target);
    let entry = merged.get(key);
    if (!entry) merged.set(key, (entry = { target: def.target, backends: new Map() }));
    for (const b of def.backends) entry.backends.set(formatIpPort(b.ip, b.port), { ip: b.ip, port: b.port });
  }
  const out = new Map<string, VipDefinition>();
  for (const [key, e] of merged) out.set(key, { target: e.target, backends: [...e.backends.values()] });
  return out;
}
