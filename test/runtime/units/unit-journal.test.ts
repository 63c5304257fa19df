// UnitJournal against real files: the on-disk format, re-opening, reads from the tail and from the file, torn lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIORITY, UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { NO_HANG, tempDataDir } from './unit-fixtures.ts';

const UNIT = 'dcos-mesos-master.service';

function lines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'every line is terminated');
  return text.slice(0, -1).split('\n');
}

test('entries are appended to DATA_DIR/journal/<unit>.log as one JSON object per line', NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  const clock = new ManualClock(0, Date.parse('2024-05-01T12:00:00.000Z'));
  const journal = new UnitJournal({ dataDir, unit: UNIT, clock });
  journal.append(PRIORITY.info, 'Started Mesos Master: distributed systems kernel.');
  await clock.advance(1500);
  journal.append(PRIORITY.err, 'two\nlines and "quotes"');
  journal.close();

  assert.equal(journal.path, join(dataDir, 'journal', `${UNIT}.log`));
  const parsed = lines(journal.path).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(parsed, [
    { ts: '2024-05-01T12:00:00.000Z', unit: UNIT, priority: 6, message: 'Started Mesos Master: distributed systems kernel.' },
    { ts: '2024-05-01T12:00:01.500Z', unit: UNIT, priority: 3, message: 'two\nlines and "quotes"' },
  ]);
  for (const entry of parsed) assert.deepEqual(Object.keys(entry), ['ts', 'unit', 'priority', 'message']);
});

test('a new journal on the same directory reads the old lines and appends after them', NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  const first = new UnitJournal({ dataDir, unit: UNIT });
  first.append(PRIORITY.info, 'one');
  first.append(PRIORITY.info, 'two');
  first.close();

  const reopened = new UnitJournal({ dataDir, unit: UNIT });
  assert.deepEqual((await reopened.read()).map((e) => e.message), ['one', 'two']);
  reopened.append(PRIORITY.warning, 'three');
  assert.deepEqual((await reopened.read()).map((e) => e.message), ['one', 'two', 'three']);
  reopened.close();
  assert.equal(lines(reopened.path).length, 3);
});

test('append after close reopens the file (as after log rotation)', NO_HANG, async (t) => {
  const journal = new UnitJournal({ dataDir: tempDataDir(t), unit: UNIT });
  journal.close();
  journal.append(PRIORITY.info, 'after close');
  journal.close();
  assert.equal(JSON.parse(lines(journal.path)[0]!).message, 'after close');
});

test('read filters by since and keeps the newest limit entries', NO_HANG, async (t) => {
  const clock = new ManualClock(0, Date.parse('2024-05-01T12:00:00.000Z'));
  const journal = new UnitJournal({ dataDir: tempDataDir(t), unit: UNIT, clock });
  for (let i = 0; i < 5; i++) {
    journal.append(PRIORITY.info, `m${i}`);
    await clock.advance(1000);
  }
  const messages = async (options: Parameters<UnitJournal['read']>[0]) => (await journal.read(options)).map((e) => e.message);
  assert.deepEqual(await messages({ limit: 2 }), ['m3', 'm4']);
  assert.deepEqual(await messages({ since: '2024-05-01T12:00:02.000Z' }), ['m2', 'm3', 'm4']);
  assert.deepEqual(await messages({ since: new Date('2024-05-01T12:00:01.500Z'), limit: 1 }), ['m4']);
  assert.deepEqual(await messages({ limit: 0 }), []);
  await assert.rejects(journal.read({ limit: -1 }), RangeError);
  await assert.rejects(journal.read({ since: 'not a date' }), RangeError);
  journal.close();
});

test('reads beyond the in-memory tail come from the file', NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  const clock = new ManualClock(0, Date.parse('2024-05-01T12:00:00.000Z'));
  const writer = new UnitJournal({ dataDir, unit: UNIT, clock, tailSize: 3 });
  const all: string[] = [];
  for (let i = 0; i < 20; i++) {
    all.push(`m${i}`);
    writer.append(PRIORITY.info, `m${i}`);
    await clock.advance(1000);
  }
  assert.deepEqual((await writer.read()).map((e) => e.message), all);
  assert.deepEqual((await writer.read({ since: '2024-05-01T12:00:05.000Z' })).map((e) => e.message), all.slice(5));
  assert.deepEqual((await writer.read({ limit: 10 })).map((e) => e.message), all.slice(10));
  writer.close();

  // Re-opened with a small tail: only the newest lines are loaded, the rest still come from the file.
  const reader = new UnitJournal({ dataDir, unit: UNIT, tailSize: 3 });
  assert.deepEqual((await reader.read({ limit: 3 })).map((e) => e.message), all.slice(17));
  assert.deepEqual((await reader.read()).map((e) => e.message), all);
  reader.close();
});

test('a torn last line (crash mid-write) is skipped and the next line starts fresh', NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  const first = new UnitJournal({ dataDir, unit: UNIT });
  first.append(PRIORITY.info, 'before the crash');
  first.close();
  appendFileSync(first.path, '{"ts":"2024-05-01T12:00:00.000Z","unit":"dcos-mes');

  const reopened = new UnitJournal({ dataDir, unit: UNIT });
  assert.deepEqual((await reopened.read()).map((e) => e.message), ['before the crash']);
  reopened.append(PRIORITY.info, 'after the crash');
  reopened.close();

  const onDisk = lines(reopened.path);
  assert.equal(onDisk.length, 3);
  assert.throws(() => JSON.parse(onDisk[1]!)); // the torn line, left as it was
  assert.equal(JSON.parse(onDisk[2]!).message, 'after the crash');
  const again = new UnitJournal({ dataDir, unit: UNIT });
  assert.deepEqual((await again.read()).map((e) => e.message), ['before the crash', 'after the crash']);
  again.close();
});

test('invalid priorities and unit names are refused', (t) => {
  const dataDir = tempDataDir(t);
  const journal = new UnitJournal({ dataDir, unit: UNIT });
  assert.throws(() => journal.append(8 as never, 'x'), RangeError);
  assert.throws(() => journal.append(-1 as never, 'x'), RangeError);
  journal.close();
  assert.throws(() => new UnitJournal({ dataDir, unit: '../escape.service' }), TypeError);
  assert.equal(existsSync(join(dataDir, 'escape.service.log')), false);
});
