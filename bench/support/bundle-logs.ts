/**
 * The logs of bench:diagnostics' bundle phase: for each node the journals of five units as logrotate leaves them
 * (`journal/<unit>.log.2`, `.log.1`: entries of the last day, the live file empty), written once. Messages are
 * Mesos agent glog lines, each different (times, task and executor ids, container ids, ports), so they compress as
 * real logs do rather than as repeated text. A `UnitSource` per node reads (and streams) them through the real
 * UnitJournal, as a node's unit registry does, so the bundle's journal collector formats every entry of the window.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { UnitSource } from '../../diagnostics/health/unit-source.ts';
import { UnitJournal, type JournalEntry } from '../../runtime/units/unit-journal.ts';

export const BUNDLE_UNITS = ['dcos-mesos-slave.service', 'dcos-marathon.service', 'dcos-mesos-dns.service', 'dcos-net.service', 'dcos-telegraf.service'];
/** Rotated files per unit. */
export const ROTATIONS = 2;

const FRAMEWORK = '6b4a2c1e-93f0-4d8e-a1b7-0c5d2e9f8a31-0001';
const TEMPLATES = [
  (r: Rng) => `slave.cpp:${2000 + r.int(900)}] Got assigned task 'app-${r.int(400)}.${r.hex(8)}-${r.hex(4)}' for framework ${FRAMEWORK}`,
  (r: Rng) => `containerizer.cpp:${1100 + r.int(300)}] Starting container ${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`,
  (r: Rng) => `status_update_manager.cpp:${300 + r.int(200)}] Received status update TASK_RUNNING (Status UUID: ${r.hex(8)}-${r.hex(4)}) for task app-${r.int(400)}.${r.hex(8)} of framework ${FRAMEWORK}`,
  (r: Rng) => `http.cpp:${1100 + r.int(200)}] HTTP GET for /slave(1)/state from 10.0.${r.int(255)}.${r.int(255)}:${30000 + r.int(30000)} with User-Agent='Go-http-client/1.1'`,
  (r: Rng) => `slave.cpp:${5000 + r.int(900)}] Current disk usage ${(r.int(10000) / 100).toFixed(2)}%. Max allowed age: ${r.int(7)}.${r.int(999999)}days`,
  (r: Rng) => `slave.cpp:${4000 + r.int(500)}] Executor 'app-${r.int(400)}.${r.hex(8)}' of framework ${FRAMEWORK} exited with status ${r.int(4) === 0 ? 137 : 0}`,
];

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  int(n: number): number {
    // xorshift32: fast, deterministic, good enough for log text.
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) % n;
  }
  hex(digits: number): string {
    let s = '';
    while (s.length < digits) s += (this.state = this.int(0x7fffffff) + 1).toString(16);
    return s.slice(0, digits);
  }
}

async function writeLogFile(path: string, unit: string, bytes: number, seed: number, startMs: number): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path);
  let written = 0;
  let at = startMs;
  while (written < bytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < 256 * 1024 && written + size < bytes) {
      at += rng.int(40);
      const ts = new Date(at).toISOString();
      const message = `I1207 ${ts.slice(11, 23)}${String(rng.int(1000)).padStart(3, '0')} ${3000 + rng.int(2000)} ${TEMPLATES[rng.int(TEMPLATES.length)]!(rng)}`;
      const line = `${JSON.stringify({ ts, unit, priority: 6, message })}\n`;
      lines.push(line);
      size += line.length;
    }
    written += size;
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/**
 * Writes every node's journals under `dir/<ip>/journal/`: `bytesPerNode` in all, in ROTATIONS rotated files per
 * unit, the oldest starting 23 h ago (inside the bundle's 24 h window); each file's entries are a few hours apart
 * from the next file's, older ones in higher numbers.
 */
export async function writeBundleLogs(dir: string, ips: readonly string[], bytesPerNode: number): Promise<void> {
  const perFile = Math.ceil(bytesPerNode / (BUNDLE_UNITS.length * ROTATIONS));
  const hour = 3_600_000;
  let seed = 1;
  for (const ip of ips) {
    const journal = join(dir, ip, 'journal');
    await mkdir(journal, { recursive: true });
    await Promise.all(
      BUNDLE_UNITS.flatMap((unit) =>
        Array.from({ length: ROTATIONS }, (_, k) =>
          writeLogFile(join(journal, `${unit}.log.${k + 1}`), unit, perFile, seed++, Date.now() - (23 - (ROTATIONS - 1 - k) * 8) * hour),
        ),
      ),
    );
  }
}

const record = (e: JournalEntry) => ({ priority: e.priority, timestamp: Date.parse(e.ts), message: e.message });

/** The node's units as the bundle content reads them: each journal through a UnitJournal over `dir/<ip>`. */
export function bundleLogUnits(dir: string, ip: string): UnitSource {
  const journals = new Map(BUNDLE_UNITS.map((unit) => [unit, new UnitJournal({ dataDir: join(dir, ip), unit })]));
  return {
    unitNames: () => [...BUNDLE_UNITS],
    properties: () => undefined,
    readJournal: async (unit, query = {}) => {
      const journal = journals.get(unit)!;
      const entries = await journal.read(query.since === undefined ? {} : { since: new Date(query.since) });
      return { path: journal.path, entries: entries.map(record) };
    },
    streamJournal: (unit, query = {}) =>
      (async function* records() {
        for await (const batch of journals.get(unit)!.stream(query.since === undefined ? {} : { since: new Date(query.since) })) yield batch.map(record);
      })(),
  };
}
