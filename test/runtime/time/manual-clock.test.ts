import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { systemTime } from '../../../runtime/time/system-time.ts';

test('timers fire in due order at their due instant, ties in the order they were set', async () => {
  const clock = new ManualClock(0, Date.UTC(2026, 0, 1));
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
  clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
  clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
  const cleared = clock.setTimeout(() => fired.push('never'), 5);
  clock.clearTimeout(cleared);
  await clock.advance(15);
  assert.deepEqual(fired, ['a@10']);
  assert.equal(clock.now(), 15);
  assert.equal(clock.wallMs(), Date.UTC(2026, 0, 1) + 15);
  await clock.advance(5);
  assert.deepEqual(fired, ['a@10', 'b@20', 'c@20']);
  assert.equal(clock.pendingTimers, 0);
});

test('every: the next run is scheduled only after an async run ends, so runs never stack', async () => {
  const clock = new ManualClock();
  let running = 0;
  let maxRunning = 0;
  const starts: number[] = [];
  const stop = clock.every(100, async () => {
    starts.push(clock.now());
    running++;
    maxRunning = Math.max(maxRunning, running);
    // A run that takes 250 ms of clock time, longer than the interval.
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 250));
    running--;
  });
  await clock.advance(1000);
  assert.equal(maxRunning, 1);
  // Starts at 100, then 100 + 250 + 100 = 450, then 800.
  assert.deepEqual(starts, [100, 450, 800]);
  stop();
  await clock.advance(1000);
  assert.deepEqual(starts, [100, 450, 800]);
});

test('every: a run that throws is reported and the loop goes on; immediately runs at once', async () => {
  const clock = new ManualClock();
  const errors: unknown[] = [];
  let runs = 0;
  const stop = clock.every(
    50,
    () => {
      runs++;
      if (runs === 1) throw new Error('first run fails');
    },
    { immediately: true, onError: (e) => errors.push(e) },
  );
  await clock.advance(0);
  assert.equal(runs, 1);
  await clock.advance(100);
  assert.equal(runs, 3);
  assert.equal(errors.length, 1);
  stop();
});

test('the system clock is monotonic and its timers do not keep the process alive', async () => {
  // The system timers are unref'd: keep the test's own process alive while they run.
  const keepAlive = setTimeout(() => undefined, 10_000);
  const a = systemTime.now();
  const fired = await new Promise<number>((resolve) => systemTime.setTimeout(() => resolve(systemTime.now()), 5));
  assert.ok(fired >= a + 4, `${fired} >= ${a} + 4`);
  assert.ok(Math.abs(systemTime.wallMs() - Date.now()) < 1000);
  let runs = 0;
  const stop = systemTime.every(1, () => {
    runs++;
  });
  await new Promise((r) => setTimeout(r, 30));
  stop();
  clearTimeout(keepAlive);
  assert.ok(runs >= 2);
});
