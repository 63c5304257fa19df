/**
 * One A lookup of `name` at one DNS server (`ip:port`), one try, cancelled when `signal` aborts: the question the
 * liveness probes and the DNS timers ask a forwarder or Mesos-DNS. A client utility with no runtime state, so
 * observers may import it too (eslint.config.js). Rejects with the resolver's error (`queryA ETIMEOUT …`, code
 * ETIMEOUT, ECONNREFUSED…) or when the answer has no address.
 */
import { Resolver } from 'node:dns/promises';

export interface DnsLookupOptions {
  /** c-ares's timeout for the one try. Default 1 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function lookupA(server: string, name: string, options: DnsLookupOptions = {}): Promise<string[]> {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 1000, tries: 1 });
  resolver.setServers([server]);
  const cancel = () => resolver.cancel();
  options.signal?.throwIfAborted();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const addresses = await resolver.resolve4(name);
    if (addresses.length === 0) throw new Error(`${name}: empty answer from ${server}`);
    return addresses;
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
}
