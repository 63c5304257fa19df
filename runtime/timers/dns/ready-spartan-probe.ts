/**
 * Asks one DNS server for `ready.spartan`, the name every DC/OS forwarder answers itself (127.0.0.1) whatever the
 * upstreams do: an answer means the forwarder is up and serving, no answer within the timeout means it is not.
 * Both the watchdog and gen-resolvconf ask this, as DC/OS's did (`host ready.spartan 198.51.100.1`).
 */
import { lookupA, type DnsLookupOptions } from '../../dns/dns-lookup.ts';

export const READY_NAME = 'ready.spartan';

export type ReadyProbeOptions = DnsLookupOptions;

/**
 * One attempt (callers retry as they see fit, so each failure can be told apart). Resolves with the addresses
 * `server` (`ip:port`) gives for `ready.spartan`; rejects with the resolver's error or when the answer is empty.
 */
export function probeReadySpartan(server: string, options: ReadyProbeOptions = {}): Promise<string[]> {
  return lookupA(server, READY_NAME, options);
}
