// The master's pull interval as a config key: 15 s by default (DC/OS: 60 s), a Mesos duration, bad values refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';

test('diagnostics_pull_interval: default 15 s, Mesos durations, bad values refused naming the key', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-diag-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const withConfig = (value: unknown) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(value === undefined ? {} : { diagnostics_pull_interval: value }));
    return loadClusterConfig({ config: file, dataDir: join(dir, 'data') }, dir);
  };
  assert.equal(withConfig(undefined).diagnosticsPullIntervalMs, 15_000);
  assert.equal(withConfig('1mins').diagnosticsPullIntervalMs, 60_000);
  assert.equal(withConfig('500ms').diagnosticsPullIntervalMs, 500);
  for (const bad of ['soon', '0secs', 15])
    assert.throws(() => withConfig(bad), (err: unknown) => err instanceof ConfigError && /diagnostics_pull_interval/.test(err.message));
});

test('bundle keys: retention, timeout and free-disk floor with their defaults; bad values refused naming the key', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-diag-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const load = (config: Record<string, unknown>) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(config));
    return loadClusterConfig({ config: file, dataDir: join(dir, 'data') }, dir);
  };
  const defaults = load({});
  assert.equal(defaults.diagnosticsBundleRetention, 10);
  assert.equal(defaults.diagnosticsBundleTimeoutMs, 30 * 60_000);
  assert.equal(defaults.diagnosticsMinFreeDiskBytes, 100 * 1024 * 1024);
  const set = load({ diagnostics_bundle_retention: 3, diagnostics_bundle_timeout: '90secs', diagnostics_min_free_disk_mb: 0 });
  assert.equal(set.diagnosticsBundleRetention, 3);
  assert.equal(set.diagnosticsBundleTimeoutMs, 90_000);
  assert.equal(set.diagnosticsMinFreeDiskBytes, 0);
  for (const [key, bad] of [
    ['diagnostics_bundle_retention', 0],
    ['diagnostics_bundle_retention', '10'],
    ['diagnostics_bundle_timeout', 'forever'],
    ['diagnostics_min_free_disk_mb', -1],
    ['diagnostics_min_free_disk_mb', 1.5],
  ] as const)
    assert.throws(() => load({ [key]: bad }), (err: unknown) => err instanceof ConfigError && err.message.includes(key), `${key}=${bad}`);
});
