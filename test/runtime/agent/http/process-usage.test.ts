import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRssBytes, parseStat, processUsage } from '../../../../runtime/agent/http/process-usage.ts';

/** A /proc/<pid>/stat line: fields 14/15 utime/stime (ticks), 20 num_threads. */
function statLine(pid: number, comm: string, pgrp: number, session: number, utime: number, stime: number, threads: number) {
  const after = ['S', 1, pgrp, session, 0, -1, 4194560, 0, 0, 0, 0, utime, stime, 0, 0, 20, 0, threads, 0, 12345];
  return `${pid} (${comm}) ${after.join(' ')}\n`;
}

test('parseStat reads past a command name holding spaces and parentheses', () => {
  assert.deepEqual(parseStat(statLine(42, 'my (weird) cmd', 40, 40, 250, 30, 3)), {
    pgrp: 40,
    session: 40,
    utime: 250,
    stime: 30,
    threads: 3,
  });
  assert.equal(parseStat(''), undefined);
  assert.equal(parseStat('42 (x) S 1'), undefined);
});

test('parseRssBytes reads VmRSS in kB; absent for zombies', () => {
  assert.equal(parseRssBytes('Name:\tsleep\nVmRSS:\t     812 kB\nThreads:\t1\n'), 812 * 1024);
  assert.equal(parseRssBytes('Name:\tsleep\nState:\tZ (zombie)\n'), undefined);
});

test('processUsage sums the processes of each task session and ignores everything else', async () => {
  const proc = await mkdtemp(join(tmpdir(), 'minidc-proc-'));
  try {
    const add = async (pid: number, stat: string, status?: string) => {
      await mkdir(join(proc, String(pid)));
      await writeFile(join(proc, String(pid), 'stat'), stat);
      if (status !== undefined) await writeFile(join(proc, String(pid), 'status'), status);
    };
    await add(100, statLine(100, 'sh', 100, 100, 10, 5, 1), 'VmRSS:\t100 kB\n');
    await add(101, statLine(101, 'worker', 101, 100, 190, 15, 4), 'VmRSS:\t900 kB\n'); // own group, same session
    await add(102, statLine(102, 'zombie', 100, 100, 0, 0, 1), 'State:\tZ\n'); // counted, no RSS
    await add(200, statLine(200, 'other', 200, 200, 999, 999, 9), 'VmRSS:\t5000 kB\n'); // another task
    await add(300, statLine(300, 'unrelated', 300, 300, 7, 7, 1), 'VmRSS:\t1 kB\n');
    await mkdir(join(proc, 'self'));
    await add(400, 'garbage');

    const usage = await processUsage(new Set([100, 200, 555]), proc);
    assert.deepEqual(usage.get(100), {
      processes: 3,
      threads: 6,
      cpusUserTimeSecs: 2,
      cpusSystemTimeSecs: 0.2,
      memRssBytes: 1000 * 1024,
    });
    assert.equal(usage.get(200)!.processes, 1);
    assert.equal(usage.has(555), false, 'a leader with no process left has no usage');
    assert.equal(usage.has(300), false);

    assert.equal((await processUsage(new Set(), proc)).size, 0);
    assert.equal((await processUsage(new Set([1]), join(proc, 'missing'))).size, 0);
  } finally {
    await rm(proc, { recursive: true, force: true });
  }
});
