// history_retention as a config key: 24 h by default, a Mesos duration of at least an hour, bad values refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadClusterConfig } from '../../../runtime/cluster/cluster-config.ts';

test('history_retention: default 24hrs, Mesos durations from 1hrs, bad values refused naming the key', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-history-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const withConfig = (value: unknown) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(value === undefined ? {} : { history_retention: value }));
    return loadClusterConfig({ config: file, dataDir: join(dir, 'data') }, dir);
  };
  assert.equal(withConfig(undefined).historyRetentionMs, 86_400_000);
  assert.equal(withConfig('2days').historyRetentionMs, 172_800_000);
  assert.equal(withConfig('1hrs').historyRetentionMs, 3_600_000);
  for (const bad of ['59mins', 'a week', '0secs', 24])
    assert.throws(() => withConfig(bad), (err: unknown) => err instanceof ConfigError && /history_retention/.test(err.message));
});
