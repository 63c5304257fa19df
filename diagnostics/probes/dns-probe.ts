/** A probe that a DNS server at `host:port` answers an A query for `name` with at least one address. */
import { lookupA } from '../../runtime/dns/dns-lookup.ts';
import type { Probe } from './probe.ts';

export function dnsProbe(unit: string, server: string, name: string): Probe {
  return {
    unit,
    what: `${name} at ${server}`,
    check: async (signal) => {
      // One try, no retries: the probe's own timeout bounds the wait; the lookup is cancelled when it fires.
      try {
        await lookupA(server, name, { signal });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code ?? (err as Error).message);
      }
    },
  };
}
