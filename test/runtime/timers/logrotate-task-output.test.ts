// Task sandbox output across rotations: a real task writes numbered lines to stdout and stderr as fast as its shell
// can while the logrotate job rotates its sandbox (found in Mesos's layout under the node dir); afterwards the bytes
// across the rotated, gzipped and live files are every line exactly once, in order. The task's output goes through
// the agent's output logger process, which follows the rename: a task writing into its file directly would keep
// writing into `.1` (and lose its output once that is compressed). The logger outlives the agent's process (kill -9)
// with the task, so a re-attached task's output is still rotated without a line lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ProcessExecutor } from '../../../runtime/agent/process-executor.ts';
import { logrotateJob } from '../../../runtime/timers/logrotate/logrotate-job.ts';
import { nodeLogs } from '../../../runtime/timers/logrotate/node-logs.ts';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';
import { AGENT_ID, FRAMEWORK } from '../agent/fixtures/agent-first-life.ts';
import { eventually, isAlive, StatusRecorder } from '../agent/status-recorder.ts';
import { tempDataDir } from '../units/unit-fixtures.ts';
import { allText, recordingContext } from './logrotate-support.ts';

const NO_HANG = { timeout: 60_000 };
const WRITER = 'i=0; while [ ! -e stop ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done';

/** Runs the job until both sandbox logs have been rotated `times` times. */
async function rotateUntil(nodeDir: string, sandboxDir: string, times: number): Promise<number> {
  const job = logrotateJob({ logs: () => nodeLogs(nodeDir, new UnitRegistry()), policy: { maxSizeBytes: 16 * 1024, rotateCount: 100_000, maxFiles: 1_000_000 } });
  let rotations = 0;
  while (!existsSync(join(sandboxDir, `stdout.${times}.gz`)) || !existsSync(join(sandboxDir, `stderr.${times}.gz`))) {
    const ctx = recordingContext();
    await job.run(ctx);
    rotations += ctx.lines.filter((l) => l.startsWith('rotated ')).length;
  }
  return rotations;
}

/** Both logs hold `out|err 0` … `n-1` exactly once, in order, across their files. */
function assertEveryLineOnce(sandboxDir: string): void {
  const out = assertNumbered(allText(join(sandboxDir, 'stdout')), 'out');
  const err = assertNumbered(allText(join(sandboxDir, 'stderr')), 'err');
  assert.ok(out > 1000 && Math.abs(out - err) <= 1, `stdout has ${out} lines, stderr ${err}`);
}

/** `prefix 0` … `prefix n-1`, one a line, asserting nothing is missing, repeated or torn. */
function assertNumbered(text: string, prefix: string): number {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a whole line');
  const bad = lines.findIndex((line, i) => line !== `${prefix} ${i}`);
  assert.equal(bad, -1, `line ${bad} is '${lines[bad]}', not '${prefix} ${bad}'`);
  return lines.length;
}

test('a running task writing as fast as it can loses and repeats no line while its sandbox is rotated', NO_HANG, async (t) => {
  const nodeDir = tempDataDir(t);
  const sandboxDir = join(nodeDir, 'mesos-agent', 'slaves', 'S0', 'frameworks', 'fw', 'executors', 'writer', 'runs', 'c1');
  const executor = new ProcessExecutor({ defaultKillGracePeriodMs: 5000 });
  t.after(() => executor.shutdown());
  const status = new StatusRecorder();
  executor.launch(
    {
      taskId: 'writer',
      frameworkId: 'fw',
      command: { value: 'i=0; while [ ! -e stop ]; do echo "out $i"; echo "err $i" >&2; i=$((i+1)); done' },
      env: {},
      sandboxDir,
      ports: [],
      host: '127.0.0.1',
    },
    status.listener,
  );
  await status.waitFor('TASK_RUNNING');

  const rotations = await rotateUntil(nodeDir, sandboxDir, 8);
  writeFileSync(join(sandboxDir, 'stop'), '');
  assert.equal((await status.waitForTerminal()).state, 'TASK_FINISHED');
  assertEveryLineOnce(sandboxDir);
  assert.ok(rotations >= 16, `${rotations} rotations`);
});

test('after kill -9 of the agent process the task and its output logger go on, and rotation loses no line', NO_HANG, async (t) => {
  const nodeDir = tempDataDir(t);
  const fixture = fileURLToPath(new URL('../agent/fixtures/agent-first-life.ts', import.meta.url));
  const command = `${WRITER}; echo end; echo end >&2`;
  const firstLife = spawn(process.execPath, ['--import', 'tsx', fixture, join(nodeDir, 'mesos-agent'), 'writer', command], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => firstLife.kill('SIGKILL'));
  const [running] = (await once(createInterface({ input: firstLife.stdout }), 'line')) as [string];
  const { pid } = JSON.parse(running) as { pid: number };
  firstLife.kill('SIGKILL');
  await once(firstLife, 'exit');
  t.after(() => void (isAlive(pid) && process.kill(-pid, 'SIGKILL')));

  const runs = join(nodeDir, 'mesos-agent', 'slaves', AGENT_ID, 'frameworks', FRAMEWORK.id, 'executors', 'writer', 'runs');
  const sandboxDir = join(runs, readdirSync(runs)[0]!);
  await rotateUntil(nodeDir, sandboxDir, 4);
  assert.ok(isAlive(pid), 'the task still runs: its output pipes still have a reader');
  writeFileSync(join(sandboxDir, 'stop'), '');
  for (const name of ['stdout', 'stderr']) {
    const log = join(sandboxDir, name);
    await eventually(() => allText(log).endsWith('end\n'), `the last line in ${name}`);
    assertNumbered(allText(log).slice(0, -'end\n'.length), name === 'stdout' ? 'out' : 'err');
  }
});
