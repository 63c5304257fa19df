/**
 * The logs of bench:diagnostics' bundle phase: for each node a directory of unit journals' rotated files as a
 * node's log dir holds them (`<unit>.1`, `<unit>.2`), written once. Lines are
 * Mesos agent glog lines, each different (times, task and executor ids, container ids, ports), so they compress as
 * real logs do rather than as repeated text. A `UnitSource` per node serves those files to the real bundle
 * content: the journal collector reads the rotated files from beside the journal's path.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { UnitSource } from '../../diagnostics/health/unit-source.ts';

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

async function writeLogFile(path: string, bytes: number, seed: number, startMs: number): Promise<void> {
  const rng = new Rng(seed);
  const out = createWriteStream(path);
  let written = 0;
  let at = startMs;
  while (written < bytes) {
    const lines: string[] = [];
    let size = 0;
    while (size < 256 * 1024 && written + size < bytes) {
      at += rng.int(40);
      const d = new Date(at);
      const clock = d.toISOString().slice(11, 23);
      const line = `I1207 ${clock}${String(rng.int(1000)).padStart(3, '0')} ${3000 + rng.int(2000)} ${TEMPLATES[rng.int(TEMPLATES.length)]!(rng)}\n`;
      lines.push(line);
      size += line.length;
    }
    written += size;
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** Writes every node's logs under `dir/<ip>/`: `bytesPerNode` in all, in ROTATIONS rotated files per unit. */
export async function writeBundleLogs(dir: string, ips: readonly string[], bytesPerNode: number): Promise<void> {
  const perFile = Math.ceil(bytesPerNode / (BUNDLE_UNITS.length * ROTATIONS));
  let seed = 1;
  for (const ip of ips) {
    await mkdir(join(dir, ip), { recursive: true });
    await Promise.all(
      BUNDLE_UNITS.flatMap((unit) => [
        ...Array.from({ length: ROTATIONS }, (_, k) => writeLogFile(join(dir, ip, `${unit}.${k + 1}`), perFile, seed++, Date.UTC(2026, 11, 6 - k))),
      ]),
    );
  }
}

/** The node's units as the bundle content reads them: journals at `dir/<ip>/<unit>`, no current entries. */
export function bundleLogUnits(dir: string, ip: string): UnitSource {
  return {
    unitNames: () => [...BUNDLE_UNITS],
    properties: () => undefined,
    readJournal: async (unit) => ({ path: join(dir, ip, unit), entries: [] }),
  };
}
