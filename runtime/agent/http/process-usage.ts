/**
 * CPU time and memory of task processes, read from Linux's /proc the way Mesos's posix isolators measure a
 * container: summed over the task's processes. A task leads its own session (the executor spawns it detached), so
 * its processes are those whose session or process group is the task's pid; one pass over /proc serves every task.
 * Children that already exited are not counted (Mesos's process-tree sum does not count them either).
 *
 * Where /proc is missing (not Linux) the map is empty and callers leave the figures out.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessUsage {
  processes: number;
  threads: number;
  cpusUserTimeSecs: number;
  cpusSystemTimeSecs: number;
  /** Undefined when no process reported a resident size (e.g. all zombies). */
  memRssBytes?: number;
}

/** Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SEC = 100;

interface StatFields {
  pgrp: number;
  session: number;
  utime: number;
  stime: number;
  threads: number;
}

/** Usage per leader pid, for the leaders that have at least one live process. */
export async function processUsage(leaders: ReadonlySet<number>, procDir = '/proc'): Promise<Map<number, ProcessUsage>> {
  // Times are summed in clock ticks (integers) and converted once, so the result does not depend on scan order.
  const ticks = new Map<number, { processes: number; threads: number; utime: number; stime: number; rss?: number }>();
  if (leaders.size > 0) {
    let entries: string[] = [];
    try {
      entries = await readdir(procDir);
    } catch {
      // No /proc: nothing can be measured.
    }
    await Promise.all(
      entries.map(async (name) => {
        if (!/^\d+$/.test(name)) return;
        // A process may exit at any moment during the scan: a file that cannot be read is simply skipped.
        const stat = parseStat(await readFile(`${procDir}/${name}/stat`, 'utf8').catch(() => ''));
        if (!stat) return;
        const leader = leaders.has(stat.session) ? stat.session : leaders.has(stat.pgrp) ? stat.pgrp : undefined;
        if (leader === undefined) return;
        const rss = parseRssBytes(await readFile(`${procDir}/${name}/status`, 'utf8').catch(() => ''));
        const t = ticks.get(leader) ?? { processes: 0, threads: 0, utime: 0, stime: 0 };
        t.processes++;
        t.threads += stat.threads;
        t.utime += stat.utime;
        t.stime += stat.stime;
        if (rss !== undefined) t.rss = (t.rss ?? 0) + rss;
        ticks.set(leader, t);
      }),
    );
  }
  const usage = new Map<number, ProcessUsage>();
  for (const [leader, t] of ticks)
    usage.set(leader, {
      processes: t.processes,
      threads: t.threads,
      cpusUserTimeSecs: t.utime / CLOCK_TICKS_PER_SEC,
      cpusSystemTimeSecs: t.stime / CLOCK_TICKS_PER_SEC,
      ...(t.rss === undefined ? {} : { memRssBytes: t.rss }),
    });
  return usage;
}

/** /proc/<pid>/stat: "pid (comm) state ppid pgrp session … utime stime … num_threads …"; comm may hold spaces. */
export function parseStat(text: string): StatFields | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // f[0] is field 3 (state), so field N is f[N - 3].
  const f = text.slice(close + 2).split(' ');
  const n = (field: number) => Number(f[field - 3]);
  const out = { pgrp: n(5), session: n(6), utime: n(14), stime: n(15), threads: n(20) };
  return Object.values(out).every(Number.isFinite) ? out : undefined;
}

/** VmRSS from /proc/<pid>/status ("VmRSS:	  1234 kB"); absent for zombies and kernel threads. */
export function parseRssBytes(text: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}
