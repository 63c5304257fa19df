/**
 * Asks one DNS server for `ready.spartan`, the name every DC/OS forwarder answers itself (127.0.0.1) whatever the
 * upstreams do: an answer means the forwarder is up and serving, no answer within the timeout means it is not.
 * Both the watchdog and gen-resolvconf ask this, as DC/OS's did (`host ready.spartan 198.51.100.1`).
 */
import { Resolver } from 'node:dns/promises';

export const READY_NAME = 'ready.spartan';

export interface ReadyProbeOptions {
  /** Per attempt (c-ares's timeout); the forwarder answers from memory, so a second is long. Default 1 s. */
  timeoutMs?: number;
  /** Aborts the lookup (the run is over). */
  signal?: AbortSignal;
}

/**
 * One attempt (callers retry as they see fit, so each failure can be told apart). Resolves with the addresses `server` (`ip:port`) gives for `ready.spartan`; rejects with the resolver's error
 * (`queryA ETIMEOUT ready.spartan`, `ECONNREFUSED`…) or when the answer is empty.
 */
export async function probeReadySpartan(server: string, options: ReadyProbeOptions = {}): Promise<string[]> {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 1000, tries: 1 });
  resolver.setServers([server]);
  const cancel = () => resolver.cancel();
  options.signal?.throwIfAborted();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const addresses = await resolver.resolve4(READY_NAME);
    if (addresses.length === 0) throw new Error(`${READY_NAME}: empty answer from ${server}`);
    return addresses;
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
}
