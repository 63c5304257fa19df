// Log rotation on real files: a journal written in a tight loop while rotations run loses and repeats no line;
// rotate count, delaycompress, the per-folder cap, an interrupted rotation finished, a failed rotation fails the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { capLogFolder } from '../../../runtime/timers/logrotate/log-folder-cap.ts';
import { rotateLog } from '../../../runtime/timers/logrotate/log-rotation.ts';
import { logrotateJob } from '../../../runtime/timers/logrotate/logrotate-job.ts';
import { PRIORITY, UnitJournal } from '../../../runtime/units/unit-journal.ts';
import { NO_HANG, tempDataDir } from '../units/unit-fixtures.ts';
import { allLines, fileLines, numbersInOrder, recordingContext } from './logrotate-support.ts';

const UNIT = 'dcos-mesos-master.service';

test('a journal appended to in a tight loop while it is rotated keeps every line exactly once, in order', NO_HANG, async (t) => {
  const journal = new UnitJournal({ dataDir: tempDataDir(t), unit: UNIT, tailSize: 50 });
  t.after(() => journal.close());
  const policy = { maxSizeBytes: 8192, rotateCount: 10_000 };
  const LINES = 10_000;
  let written = 0;
  const writer = (async () => {
    while (written < LINES) {
      for (let i = 0; i < 5; i++) journal.append(PRIORITY.info, `line ${written++}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  let rotations = 0;
  while (written < LINES) if (await rotateLog({ path: journal.path, reopen: () => journal.reopen() }, policy)) rotations++;
  await writer;
  assert.ok(rotations >= 5, `rotated ${rotations} times while writing`);

  const numbers = numbersInOrder(allLines(journal.path), /"line (\d+)"/);
  assert.deepEqual(numbers, Array.from({ length: written }, (_, i) => i), 'every number once, oldest file first');
  const files = readdirSync(join(journal.path, '..'));
  assert.ok(files.includes(`${UNIT}.log.1`) && files.includes(`${UNIT}.log.${rotations}.gz`), files.join(' '));
  // The journal's own reads see the same history, across the rotations.
  assert.deepEqual((await journal.read()).map((e) => e.message), numbers.map((n) => `line ${n}`));
});

test('delaycompress: the newest rotation stays plain, older ones are gzip; the count is honoured', NO_HANG, async (t) => {
  const log = join(tempDataDir(t), 'app.log');
  const policy = { maxSizeBytes: 1, rotateCount: 3 };
  for (let i = 1; i <= 5; i++) {
    writeFileSync(log, `generation ${i}\n`);
    assert.ok(await rotateLog({ path: log }, policy));
  }
  assert.deepEqual(readdirSync(join(log, '..')).sort(), ['app.log.1', 'app.log.2.gz', 'app.log.3.gz']);
  assert.equal(readFileSync(`${log}.1`, 'utf8'), 'generation 5\n');
  assert.deepEqual(readFileSync(`${log}.2.gz`).subarray(0, 2), Buffer.from([0x1f, 0x8b]), 'gzip magic');
  assert.deepEqual(allLines(log), ['generation 3', 'generation 4', 'generation 5']);
});

test('a log below the size, an empty or a missing one is left alone', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  writeFileSync(join(dir, 'small.log'), 'x\n');
  writeFileSync(join(dir, 'empty.log'), '');
  const policy = { maxSizeBytes: 3, rotateCount: 5 };
  for (const name of ['small.log', 'empty.log', 'missing.log']) assert.equal(await rotateLog({ path: join(dir, name) }, policy), undefined);
  assert.deepEqual(readdirSync(dir).sort(), ['empty.log', 'small.log']);
});

test('a rotation killed after compressing the old .1 is finished by the next one, with no line twice', NO_HANG, async (t) => {
  const log = join(tempDataDir(t), 'app.log');
  // What the kill left: the older rotations shifted up, the compressed copy of .1 beside .1, a half-written temp.
  writeFileSync(`${log}.3.gz`, gzipSync('one\n'));
  writeFileSync(`${log}.1`, 'two\n');
  writeFileSync(`${log}.1.gz`, gzipSync('two\n'));
  writeFileSync(`${log}.1.gz.tmp`, 'torn');
  writeFileSync(log, 'three\n');
  assert.deepEqual(allLines(log), ['one', 'two', 'three'], 'readers take .1 over .1.gz');
  assert.ok(await rotateLog({ path: log }, { maxSizeBytes: 1, rotateCount: 10 }));
  assert.deepEqual(readdirSync(join(log, '..')).sort(), ['app.log.1', 'app.log.3.gz', 'app.log.4.gz']);
  assert.deepEqual(allLines(log), ['one', 'two', 'three']);
});

test('the folder cap removes the oldest rotations by mtime, never a live log nor a file that is not a rotation', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  const a = join(dir, 'a.log');
  const b = join(dir, 'b.log');
  const files: [string, number][] = [
    [a, 100],
    [`${a}.1`, 50],
    [`${a}.2.gz`, 10],
    [b, 1],
    [`${b}.1`, 40],
    [`${b}.2.gz`, 20],
    [join(dir, 'notes.txt'), 5],
  ];
  for (const [path, mtime] of files) {
    writeFileSync(path, 'x\n');
    utimesSync(path, mtime, mtime);
  }
  assert.deepEqual(await capLogFolder(dir, [a, b], 4), [`${a}.2.gz`, `${b}.2.gz`, `${b}.1`]);
  assert.deepEqual(readdirSync(dir).sort(), ['a.log', 'a.log.1', 'b.log', 'notes.txt']);
  // Below the cap nothing goes; with only live logs and foreign files left, nothing more can.
  assert.deepEqual(await capLogFolder(dir, [a, b], 1), [`${a}.1`]);
  assert.deepEqual(await capLogFolder(dir, [a, b], 1), []);
});

test('a run rotates what is due, journals it, and fails naming a log it could not rotate', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  const good = join(dir, 'good.log');
  const blocked = join(dir, 'blocked.log');
  writeFileSync(good, 'due\n');
  writeFileSync(blocked, 'due\n');
  // A directory where the rotation must put `.1`: the rename fails, as on an unwritable folder.
  mkdirSync(`${blocked}.1`);
  writeFileSync(join(`${blocked}.1`, 'keep'), '');
  const job = logrotateJob({ logs: async () => [{ path: blocked }, { path: good }], policy: { maxSizeBytes: 1, rotateCount: 5, maxFiles: 100 } });
  const ctx = recordingContext();
  await assert.rejects(job.run(ctx), (err: Error) => err.message.includes(`cannot rotate ${blocked}`));
  assert.ok(existsSync(`${good}.1`), 'the other log was still rotated');
  assert.ok(ctx.lines.includes(`rotated ${good} (4 bytes)`), ctx.lines.join('\n'));
  assert.ok(ctx.lines.some((l) => l.startsWith(`cannot rotate ${blocked}`)));

  // Once the obstacle is gone, a run succeeds.
  await import('node:fs/promises').then((fs) => fs.rm(`${blocked}.1`, { recursive: true }));
  const next = recordingContext();
  await job.run(next);
  assert.deepEqual(fileLines(`${blocked}.1`), ['due']);
  assert.ok(next.lines.includes('checked 2 logs, rotated 1'), next.lines.join('\n'));
});
