// The bundle's journal files, through the real journal collector over a node's unit registry: every entry of the
// window once (rotated files included), journalctl's short-iso lines, the newest `maxBytes` kept with a note of what
// was left out, and the same text whether the source streams its journals or only reads them whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { journalCollectors } from '../../diagnostics/bundles/content/journal-collector.ts';
import type { UnitSource } from '../../diagnostics/health/unit-source.ts';
import { ManualClock } from '../../runtime/time/manual-clock.ts';
import { rotateLog } from '../../runtime/timers/logrotate/log-rotation.ts';
import { PRIORITY, UnitJournal } from '../../runtime/units/unit-journal.ts';
import { UnitRegistry } from '../../runtime/units/unit-registry.ts';
import { Unit } from '../../runtime/units/unit.ts';
import { FakeComponent, tempDataDir } from '../runtime/units/unit-fixtures.ts';

const UNIT = 'dcos-mesos-master.service';
const START = Date.parse('2026-12-07T10:00:00.000Z');

/** 40 entries a second apart, the first 30 rotated away (`.2.gz` then `.1`), one with a newline in it. */
async function source(dataDir: string): Promise<{ units: UnitSource; journal: UnitJournal }> {
  const clock = new ManualClock(0, START);
  const journal = new UnitJournal({ dataDir, unit: UNIT, clock, tailSize: 4 });
  for (let i = 0; i < 40; i++) {
    journal.append(PRIORITY.info, i === 35 ? 'two\nlines' : `entry ${String(i).padStart(2, '0')}`);
    await clock.advance(1000);
    if (i === 14 || i === 29) assert.ok(await rotateLog({ path: journal.path, reopen: () => journal.reopen() }, { maxSizeBytes: 1, rotateCount: 5 }));
  }
  const registry = new UnitRegistry();
  registry.add(new Unit({ name: UNIT, description: 'Mesos Master: test', behavior: new FakeComponent(), journal }));
  return { units: registry.reader(), journal };
}

async function collect(units: UnitSource, sinceMs: number, maxBytes: number): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const sink = { add: async (name: string, body: Readable | Buffer | string) => void files.set(name, typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString() : await text(body)) };
  for (const c of journalCollectors({ units, hostname: 'node-1', sinceMs: () => sinceMs, maxBytes })) await c.run(sink, new AbortController().signal);
  return files;
}

const line = (i: number, message = `entry ${String(i).padStart(2, '0')}`) =>
  `${new Date(START + i * 1000).toISOString().replace('Z', '+00:00')} node-1 dcos-mesos-master: ${message}\n`;

test('every entry of the window once, rotated ones included, oldest first; no rotated file beside it', async (t) => {
  const { units, journal } = await source(tempDataDir(t));
  t.after(() => journal.close());
  const files = await collect(units, START + 10_000, 64 * 1024 * 1024);
  assert.deepEqual([...files.keys()], [UNIT]);
  const expected = Array.from({ length: 30 }, (_, k) => k + 10).map((i) => (i === 35 ? line(i, 'two\\nlines') : line(i))).join('');
  assert.equal(files.get(UNIT), expected);
});

test('over maxBytes: the newest entries that fit, after a note of how many older ones were left out', async (t) => {
  const { units, journal } = await source(tempDataDir(t));
  t.after(() => journal.close());
  const one = Buffer.byteLength(line(0));
  const files = await collect(units, 0, one * 5 + 3);
  const kept = [35, 36, 37, 38, 39].map((i) => (i === 35 ? line(i, 'two\\nlines') : line(i)));
  // 'two\nlines' is one byte shorter than 'entry 35': five lines still fit.
  assert.equal(files.get(UNIT), `(35 older entries left out: the newest ${one * 5 + 3} bytes are kept)\n${kept.join('')}`);
});

test('a source that only reads whole journals (systemd) gives the same text', async (t) => {
  const { units, journal } = await source(tempDataDir(t));
  t.after(() => journal.close());
  const wholeOnly: UnitSource = { unitNames: () => units.unitNames(), properties: (u) => units.properties(u), readJournal: (u, q) => units.readJournal(u, q) };
  for (const [since, max] of [[START + 10_000, 1 << 26], [0, 400], [START + 60_000, 1 << 20]] as const)
    assert.deepEqual(await collect(wholeOnly, since, max), await collect(units, since, max), `since ${since}, max ${max}`);
  assert.match((await collect(units, START + 60_000, 1 << 20)).get(UNIT)!, /^\(no journal entries for dcos-mesos-master\.service in the collected window\)\n$/);
});
