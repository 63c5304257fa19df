// A kill -9 of a process in the middle of writing history: the file passes SQLite's integrity check, every poll
// the process had recorded is there, and recording resumes on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HistoryArchive } from '../../../collectors/history/history-archive.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

const WRITER = fileURLToPath(new URL('./fixtures/history-writer.ts', import.meta.url));
const START = Date.UTC(2026, 11, 7, 9, 0, 0);

test('kill -9 mid-writes: integrity_check ok, nothing recorded is lost, and polls resume on the file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-history-kill9-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'history.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(START)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let recorded = -1;
  let buffered = '';
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before it was killed`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      if (lines.length > 0) recorded = Number(lines.at(-1));
      // Killed while it writes: it records continuously, so the signal lands inside or between transactions.
      if (recorded >= 300 && child.signalCode === null) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  assert.equal(await exited, 'SIGKILL');

  const clock = new ManualClock(0, START + (recorded + 1) * 2_000);
  const archive = new HistoryArchive({ path, retentionMs: 3_600_000, clock });
  t.after(() => archive.close());
  assert.equal(archive.database.integrityCheck(), 'ok');
  const minute = minuteNumbers(archive);
  assert.equal(minute.length, 30);
  // Every poll the writer reported is stored (it may have committed one more before the signal), in order.
  const newest = minute.at(-1)!;
  assert.ok(newest === recorded || newest === recorded + 1, `newest stored poll ${newest}, last reported ${recorded}`);
  assert.deepEqual(minute, Array.from({ length: 30 }, (_, i) => newest - 29 + i));

  archive.record(Buffer.from(JSON.stringify({ hostname: 'm', slaves: [{ id: 'S0' }], frameworks: [{ id: 'fw', n: newest + 1 }] })), clock.wallMs());
  assert.equal(minuteNumbers(archive).at(-1), newest + 1);
  assert.equal(archive.database.integrityCheck(), 'ok');
});

/** The poll number (`frameworks[0].n`) of each entry of the minute window. */
function minuteNumbers(archive: HistoryArchive): number[] {
  const entries = JSON.parse(Buffer.concat(archive.window('minute')).toString()) as { frameworks: { n: number }[] }[];
  return entries.map((e) => e.frameworks[0]!.n);
}
