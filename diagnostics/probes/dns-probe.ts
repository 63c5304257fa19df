/** A probe that a DNS server at `host:port` answers an A query for `name` with at least one address. */
import { Resolver } from 'node:dns/promises';
import type { Probe } from './probe.ts';

export function dnsProbe(unit: string, server: string, name: string): Probe {
  return {
    unit,
    what: `${name} at ${server}`,
    check: async (signal) => {
      // One try, no retries: the probe's own timeout bounds the wait; cancel() ends the query when it fires.
      const resolver = new Resolver({ timeout: 1000, tries: 1 });
      resolver.setServers([server]);
      const cancel = () => resolver.cancel();
      signal.addEventListener('abort', cancel, { once: true });
      try {
        const addresses = await resolver.resolve4(name);
        if (addresses.length === 0) throw new Error('no addresses');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code ?? (err as Error).message);
      } finally {
        signal.removeEventListener('abort', cancel);
      }
    },
  };
}
