/**
 * `system-info.json`: the host as systeminformation sees it (os, cpu, mem, fsSize, networkInterfaces, time). Each
 * part is read in parallel under a deadline inside the collector's timeout; a part that fails or is late is
 * recorded as `{"error": …}` in its place, so one hung probe (a stale NFS mount in fsSize) costs only that part.
 */
import { cpu, fsSize, mem, networkInterfaces, osInfo, time } from 'systeminformation';
import type { BundleCollector } from './collector.ts';
import { raceAbort } from './collector-runner.ts';

export const SYSTEM_INFO_FILE = 'system-info.json';

const PARTS: Record<string, () => unknown> = {
  os: () => osInfo(),
  cpu: () => cpu(),
  mem: () => mem(),
  fsSize: () => fsSize(),
  networkInterfaces: () => networkInterfaces(),
  time: () => time(),
};

export function systemInfoCollector(partTimeoutMs: number): BundleCollector {
  return {
    name: SYSTEM_INFO_FILE,
    run: async (sink, signal) => {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(partTimeoutMs)]);
      const parts = await Promise.all(
        Object.entries(PARTS).map(async ([key, read]) => {
          try {
            return [key, await raceAbort(deadline, Promise.resolve().then(read))] as const;
          } catch (err) {
            const why = deadline.aborted && !signal.aborted ? `no answer within ${partTimeoutMs} ms` : (err as Error).message;
            return [key, { error: why }] as const;
          }
        }),
      );
      signal.throwIfAborted();
      await sink.add(SYSTEM_INFO_FILE, `${JSON.stringify(Object.fromEntries(parts), null, 2)}\n`);
    },
  };
}
