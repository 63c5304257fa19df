// Signal's config keys (telemetry_enabled, signal_endpoint, signal_schedule): DC/OS's defaults (on, no endpoint,
// hourly), bad values refused in one line naming the key; and the timer pair they drive, on the master only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import { timerServices } from '../../runtime/timers/timer-service.ts';
import { signalService } from '../../signal/signal-service.ts';

function loader(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-signal-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return (config: Record<string, unknown>) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(config));
    return loadClusterConfig({ config: file, dataDir: join(dir, 'data') }, dir);
  };
}

test('defaults: telemetry on, no endpoint (nothing leaves the machine), hourly', (t) => {
  const config = loader(t)({});
  assert.equal(config.telemetryEnabled, true);
  assert.equal(config.signalEndpoint, undefined);
  assert.equal(config.signalSchedule, '0 * * * *');
  assert.equal(signalService.schedule(config), '0 * * * *');
});

test('set values are kept: opt-out, an http(s) endpoint, a five- or six-field cron expression', (t) => {
  const load = loader(t);
  const config = load({ telemetry_enabled: false, signal_endpoint: 'https://collector.example.com/v1/batch', signal_schedule: '*/5 * * * *' });
  assert.equal(config.telemetryEnabled, false);
  assert.equal(config.signalEndpoint, 'https://collector.example.com/v1/batch');
  assert.equal(config.signalSchedule, '*/5 * * * *');
  assert.equal(load({ signal_schedule: '*/10 * * * * *' }).signalSchedule, '*/10 * * * * *');
  assert.equal(load({ signal_endpoint: 'http://127.0.0.1:9/' }).signalEndpoint, 'http://127.0.0.1:9/');
});

test('bad values are one line naming the key', (t) => {
  const load = loader(t);
  for (const [key, bad] of [
    ['telemetry_enabled', 'false'],
    ['telemetry_enabled', 0],
    ['signal_endpoint', 'collector.example.com'],
    ['signal_endpoint', 'ftp://collector.example.com/'],
    ['signal_endpoint', 42],
    ['signal_schedule', 'hourly'],
    ['signal_schedule', '61 * * * *'],
    ['signal_schedule', ''],
  ] as const)
    assert.throws(
      () => load({ [key]: bad }),
      (err: unknown) => err instanceof ConfigError && err.message.includes(`'${key}'`) && !err.message.includes('\n'),
      `${key}=${JSON.stringify(bad)}`,
    );
});

test('dcos-signal is a timer pair on the master only, started after the units it reads', () => {
  const [service, timer] = timerServices(signalService);
  assert.deepEqual(
    [service!.unit, timer!.unit],
    ['dcos-signal.service', 'dcos-signal.timer'],
  );
  assert.deepEqual(service!.roles, ['master']);
  assert.deepEqual(timer!.roles, ['master']);
  assert.deepEqual([...service!.after].sort(), ['dcos-diagnostics.service', 'dcos-marathon.service', 'dcos-mesos-master.service']);
});
