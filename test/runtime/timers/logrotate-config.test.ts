// The logrotate_* config keys: DC/OS's defaults, fractional MiB for the size, a cron schedule; bad values refused
// naming the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadClusterConfig } from '../../../runtime/cluster/cluster-config.ts';
import { tempDataDir } from '../units/unit-fixtures.ts';

function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

test('logrotate keys: defaults, set values, and bad values refused naming the key', (t) => {
  const dir = tempDataDir(t);
  const load = (config: Record<string, unknown>) =>
    loadClusterConfig({ config: writeConfig(dir, config), dataDir: join(dir, 'data') }, dir);
  const defaults = load({});
  assert.equal(defaults.logrotateMaxSizeBytes, 256 * 1024 * 1024);
  assert.equal(defaults.logrotateRotateCount, 137);
  assert.equal(defaults.logrotateMaxFiles, 162);
  assert.equal(defaults.logrotateSchedule, '*/2 * * * *');
  const set = load({ logrotate_max_size_mb: 2 / 1024, logrotate_rotate_count: 1, logrotate_max_files: 5, logrotate_schedule: '*/5 * * * * *' });
  assert.equal(set.logrotateMaxSizeBytes, 2048);
  assert.equal(set.logrotateRotateCount, 1);
  assert.equal(set.logrotateMaxFiles, 5);
  assert.equal(set.logrotateSchedule, '*/5 * * * * *');
  for (const [key, bad] of [
    ['logrotate_max_size_mb', 0],
    ['logrotate_max_size_mb', '256'],
    ['logrotate_rotate_count', 0],
    ['logrotate_rotate_count', 1.5],
    ['logrotate_max_files', -1],
    ['logrotate_schedule', 'every two minutes'],
    ['logrotate_schedule', 120],
  ] as const)
    assert.throws(() => load({ [key]: bad }), (err: unknown) => err instanceof ConfigError && err.message.includes(key), `${key}=${bad}`);
});
