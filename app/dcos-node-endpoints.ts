/**
 * Where a real DC/OS node's components answer, for the liveness probes of `minidc diagnostics --systemd`
 * (endpoints.json names, DC/OS's standard ports): Mesos on the node's address (it binds LIBPROCESS_IP), Marathon and
 * Mesos-DNS there too on masters, the DNS forwarder on dcos-net's well-known 198.51.100.1:53, the VIP API on
 * loopback. A probe runs only for a unit the node has, so listing every endpoint costs nothing.
 */
import type { NodeRole } from '../runtime/cluster/endpoints-file.ts';
import { STANDARD_PORTS } from '../runtime/cluster/standard-ports.ts';

/** dcos-net's first DNS address; DC/OS's forwarder is always on port 53 (minidc's own uses 10053 without root). */
export const DCOS_NET_DNS = '198.51.100.1:53';

export const PROBED_ENDPOINTS = ['mesos', 'marathon', 'dns', 'dns_forwarder', 'l4lb'] as const;

export function dcosNodeEndpoints(ip: string, role: NodeRole): Record<string, string> {
  return {
    mesos: `http://${ip}:${role === 'master' ? STANDARD_PORTS.master : STANDARD_PORTS.agent}`,
    marathon: `http://${ip}:${STANDARD_PORTS.marathon}`,
    dns: `${ip}:${STANDARD_PORTS.mesosDns}`,
    dns_forwarder: DCOS_NET_DNS,
    l4lb: `http://127.0.0.1:${STANDARD_PORTS.l4lb}`,
  };
}
