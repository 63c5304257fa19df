// The host collector reads the real machine in the background and serves its last reading at once; values are
// checked against what node:os and statfs say about the same machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../runtime/time/manual-clock.ts';
import { HOST_METRICS, HostCollector, type HostReading } from '../../collectors/host/host-collector.ts';
import type { Sample } from '../../collectors/metric.ts';
import { readHostDiskSizeOverride, telegrafConfigPath } from '../../collectors/host/host-disk-override.ts';

function valueOf(samples: readonly Sample[], key: keyof typeof HOST_METRICS): number {
  const sample = samples.find((s) => s.metric === HOST_METRICS[key]);
  assert.ok(sample, `no sample for ${key}`);
  return sample.value;
}

test('values from the real host agree with node:os and statfs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-host-'));
  const host = new HostCollector({ directory: dir, intervalMs: 60_000 });
  try {
    await host.start();
    const samples = host.collect();
    const [l1 = 0, l5 = 0, l15 = 0] = loadavg();
    // Load moves while the test runs (other tests share the box): plausible, not equal.
    for (const [key, now] of [['load1', l1], ['load5', l5], ['load15', l15]] as const) {
      const v = valueOf(samples, key);
      assert.ok(v >= 0 && Math.abs(v - now) <= 1 + now * 0.5, `${key} ${v} vs os.loadavg ${now}`);
    }
    assert.equal(valueOf(samples, 'cpus'), cpus().length); // online CPUs, as Mesos counts them (sysconf), not this process's affinity
    assert.equal(valueOf(samples, 'memTotal'), totalmem());
    const free = valueOf(samples, 'memFree');
    assert.ok(free > 0 && free <= totalmem(), `mem free ${free}`);
    const busy = valueOf(samples, 'cpuBusy');
    assert.ok(busy >= 0 && busy <= 1, `cpu busy ${busy}`);
    const fs = statfsSync(dir);
    const size = fs.blocks * fs.bsize;
    const total = valueOf(samples, 'diskTotal');
    assert.ok(Math.abs(total - size) <= size * 0.01, `disk total ${total} vs statfs ${size}`);
    const used = valueOf(samples, 'diskUsed');
    assert.ok(used > 0 && used <= total, `disk used ${used} of ${total}`);
    assert.deepEqual(
      samples.map((s) => s.metric.snapshotKey).filter(Boolean),
      ['system/load_1min', 'system/load_5min', 'system/load_15min', 'system/cpus_total', 'system/mem_total_bytes', 'system/mem_free_bytes'],
    );
  } finally {
    host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

const READING: HostReading = { load1: 1, load5: 2, load15: 3, cpus: 4, memTotal: 8e9, memFree: 4e9, cpuBusy: 0.5, diskUsed: 1e9, diskTotal: 1e10 };

test('collect never waits for a reading: before the first one it fails at once, then serves the last one', async () => {
  const clock = new ManualClock();
  let finish!: (r: HostReading) => void;
  let reads = 0;
  const host = new HostCollector({
    directory: '/',
    intervalMs: 1000,
    time: clock,
    read: () => (reads++, new Promise((resolve) => (finish = resolve))),
  });
  const first = host.start();
  const during = (() => {
    try {
      return host.collect();
    } catch (err) {
      return err as Error;
    }
  })();
  assert.ok(during instanceof Error);
  assert.equal(during.message, 'no host reading yet (first reading under way)');
  finish(READING);
  await first;
  assert.equal(valueOf(host.collect(), 'load15'), 3);
  assert.equal(reads, 1);
  // The next reading comes an interval later, in the background.
  await clock.advance(0);
  await clock.advance(1000);
  assert.equal(reads, 2);
  host.stop();
});

test('failing readings: the last good one is served until it is stale, then the error is reported', async () => {
  const clock = new ManualClock();
  let fail = false;
  const host = new HostCollector({
    directory: '/',
    intervalMs: 1000,
    time: clock,
    read: async () => {
      if (fail) throw new Error('df: cannot read table of mounted file systems');
      return READING;
    },
  });
  await host.start();
  fail = true;
  await clock.advance(3000);
  assert.equal(valueOf(host.collect(), 'cpus'), 4);
  await clock.advance(1000);
  assert.throws(() => host.collect(), /^Error: host reading is 4000 ms old \(df: cannot read table of mounted file systems\)$/);
  fail = false;
  await clock.advance(1000);
  assert.equal(valueOf(host.collect(), 'cpus'), 4);
  host.stop();
});

test('a directory that does not exist is a failed reading naming it', async () => {
  const host = new HostCollector({ directory: '/nonexistent/minidc-data', intervalMs: 60_000 });
  await host.start();
  assert.throws(() => host.collect(), /no host reading yet \(ENOENT: no such file or directory, statfs '\/nonexistent\/minidc-data'\)/);
  host.stop();
});

test('host_disk_size_mb: the reported size is the override, used capped at it; a bad value names the file and key', async () => {
  const nodeDir = mkdtempSync(join(tmpdir(), 'minidc-host-override-'));
  try {
    assert.equal(await readHostDiskSizeOverride(nodeDir), undefined, 'no etc/telegraf.json: no override');
    mkdirSync(join(nodeDir, 'etc'));
    const path = telegrafConfigPath(nodeDir);
    writeFileSync(path, JSON.stringify({ host_disk_size_mb: 2000 }));
    const size = (await readHostDiskSizeOverride(nodeDir))!;
    assert.equal(size, 2000 * 1024 * 1024);
    const sized = async (bytes: number) => {
      const host = new HostCollector({ directory: '/', intervalMs: 60_000, time: new ManualClock(), read: async () => READING, diskSizeBytes: bytes });
      await host.start();
      const samples = host.collect();
      host.stop();
      return [valueOf(samples, 'diskUsed'), valueOf(samples, 'diskTotal')];
    };
    assert.deepEqual(await sized(size), [READING.diskUsed, size], 'room left: the real used bytes');
    assert.deepEqual(await sized(1024 * 1024), [1024 * 1024, 1024 * 1024], 'below what is used: full');
    for (const [text, why] of [
      [JSON.stringify({ host_disk_size_mb: 0 }), "'host_disk_size_mb' must be a positive number of MiB, got 0"],
      [JSON.stringify({ host_disk_size_mb: '10' }), `'host_disk_size_mb' must be a positive number of MiB, got "10"`],
      ['[1]', 'not a JSON object'],
      ['{', 'not JSON'],
    ] as const) {
      writeFileSync(path, text);
      await assert.rejects(readHostDiskSizeOverride(nodeDir), (err: Error) => err.message.startsWith(`invalid config ${path}: ${why}`), text);
    }
  } finally {
    rmSync(nodeDir, { recursive: true, force: true });
  }
});
