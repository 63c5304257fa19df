// The DNS timers' config keys: DC/OS's defaults, and each bad value refused with one line naming the key (by the
// real `minidc start` too, before anything starts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadClusterConfig } from '../../../runtime/cluster/cluster-config.ts';
import { minidc } from '../../support/minidc-cli.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-dns-config-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function configFile(content: Record<string, unknown>): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(content));
  return path;
}

test('defaults: the watchdog every 5 minutes after 60 s, gen-resolvconf every minute, no search domains', () => {
  const c = loadClusterConfig({ dataDir: join(dir, 'data') });
  assert.equal(c.dnsWatchdogSchedule, '*/5 * * * *');
  assert.equal(c.dnsWatchdogDelayMs, 60_000);
  assert.equal(c.genResolvconfSchedule, '* * * * *');
  assert.deepEqual(c.dnsSearch, []);
});

test('set in the config file: six-field schedules, a zero delay, search domains', async () => {
  const config = await configFile({
    dns_watchdog_schedule: '* * * * * *',
    dns_watchdog_delay: '0secs',
    gen_resolvconf_schedule: '*/10 * * * * *',
    dns_search: ' corp.example.com  example.com ',
  });
  const c = loadClusterConfig({ config, dataDir: join(dir, 'data') });
  assert.equal(c.dnsWatchdogSchedule, '* * * * * *');
  assert.equal(c.dnsWatchdogDelayMs, 0);
  assert.equal(c.genResolvconfSchedule, '*/10 * * * * *');
  assert.deepEqual(c.dnsSearch, ['corp.example.com', 'example.com']);
});

test('bad values are refused naming the key', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ dns_watchdog_schedule: 'every 5 minutes' }, /^config: 'dns_watchdog_schedule' must be a cron expression/],
    [{ gen_resolvconf_schedule: 61 }, /^config: 'gen_resolvconf_schedule' must be a non-empty string$/],
    [{ dns_watchdog_delay: 'soon' }, /^config: 'dns_watchdog_delay': invalid duration 'soon'/],
    [{ dns_search: 'example.com bad/domain' }, /^config: 'dns_search' must be domains separated by spaces/],
    [{ dns_search: ['example.com'] }, /^config: 'dns_search' must be domains separated by spaces/],
  ];
  for (const [content, message] of cases) {
    const config = await configFile(content);
    assert.throws(() => loadClusterConfig({ config, dataDir: join(dir, 'data') }), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(content));
  }
});

test('minidc start refuses a bad schedule with one line on stderr and status 1', async () => {
  const config = await configFile({ gen_resolvconf_schedule: '* * *' });
  const r = minidc(['start', '--config', config, '--data-dir', join(dir, 'cli-data')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^[^\n]*'gen_resolvconf_schedule' must be a cron expression[^\n]*\n$/);
});
