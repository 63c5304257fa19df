// Journals stay readable across rotations: UnitJournal.read and the UnitReader's readJournal cover `.1` and the
// gzipped older rotations, oldest first, with since/limit; a journal opened afresh (a restart) sees the history too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { rotateLog } from '../../../runtime/timers/logrotate/log-rotation.ts';
import { PRIORITY, UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';
import { Unit } from '../../../runtime/units/unit.ts';
import { FakeComponent, NO_HANG, tempDataDir } from '../units/unit-fixtures.ts';

const UNIT = 'dcos-mesos-master.service';
const START = Date.parse('2026-12-07T10:00:00.000Z');

/** Nine entries a second apart, rotated after every third: `.3.gz` (m0-m2), `.2.gz` (m3-m5), `.1` (m6-m8), live empty. */
async function rotatedJournal(dataDir: string, tailSize: number) {
  const clock = new ManualClock(0, START);
  const journal = new UnitJournal({ dataDir, unit: UNIT, clock, tailSize });
  for (let i = 0; i < 9; i++) {
    journal.append(PRIORITY.info, `m${i}`);
    await clock.advance(1000);
    if (i % 3 === 2) assert.ok(await rotateLog({ path: journal.path, reopen: () => journal.reopen() }, { maxSizeBytes: 1, rotateCount: 10 }));
  }
  return journal;
}

const messages = (entries: readonly { message: string }[]) => entries.map((e) => e.message);

test('read covers the rotated files oldest first, with since and limit', NO_HANG, async (t) => {
  // A tail of 2 is trimmed long before the end, so the reads below go to the files.
  const journal = await rotatedJournal(tempDataDir(t), 2);
  t.after(() => journal.close());
  journal.append(PRIORITY.info, 'm9');
  assert.deepEqual(messages(await journal.read()), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  assert.deepEqual(messages(await journal.read({ limit: 5 })), ['m5', 'm6', 'm7', 'm8', 'm9']);
  assert.deepEqual(messages(await journal.read({ since: new Date(START + 1000) })), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  assert.deepEqual(messages(await journal.read({ since: new Date(START + 4000), limit: 2 })), ['m8', 'm9']);
  assert.deepEqual(messages(await journal.read({ limit: 1 })), ['m9'], 'the tail answers');
});

test('a journal opened again after rotations (a restart) reads the history from the rotated files', NO_HANG, async (t) => {
  const dataDir = tempDataDir(t);
  (await rotatedJournal(dataDir, 1000)).close();
  const reopened = new UnitJournal({ dataDir, unit: UNIT });
  t.after(() => reopened.close());
  assert.deepEqual(messages(await reopened.read()), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  assert.deepEqual(messages(await reopened.read({ limit: 4 })), ['m5', 'm6', 'm7', 'm8']);
});

test("the UnitReader's readJournal sees the rotated entries, as diagnostics and bundles read them", NO_HANG, async (t) => {
  const journal = await rotatedJournal(tempDataDir(t), 2);
  const registry = new UnitRegistry();
  registry.add(new Unit({ name: UNIT, description: 'Mesos Master: test', behavior: new FakeComponent(), journal }));
  t.after(() => journal.close());
  const excerpt = await registry.reader().readJournal(UNIT, { tail: 7 });
  assert.equal(excerpt.path, journal.path);
  assert.deepEqual(messages(excerpt.entries), ['m2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  assert.deepEqual(excerpt.entries.map((e) => e.timestamp), [2, 3, 4, 5, 6, 7, 8].map((s) => START + s * 1000));
});

test("the UnitReader's streamJournal streams the rotated entries and the live ones oldest first, in batches, since a time", NO_HANG, async (t) => {
  const journal = await rotatedJournal(tempDataDir(t), 2);
  journal.append(PRIORITY.info, 'm9');
  const registry = new UnitRegistry();
  registry.add(new Unit({ name: UNIT, description: 'Mesos Master: test', behavior: new FakeComponent(), journal }));
  t.after(() => journal.close());
  const streamed = async (since?: number) => {
    const batches: string[][] = [];
    for await (const batch of registry.reader().streamJournal!(UNIT, since === undefined ? {} : { since })) batches.push(messages(batch));
    return batches;
  };
  const all = await streamed();
  assert.deepEqual(all.flat(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  assert.ok(all.length >= 4 && all.every((b) => b.length > 0), `one batch or more per file, none empty: ${JSON.stringify(all)}`);
  assert.deepEqual((await streamed(START + 4000)).flat(), ['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);
  assert.throws(() => registry.reader().streamJournal!('dcos-nope.service'), /dcos-nope\.service/);
});
