// `minidc start` (the real command) makes the first admin credential in a data dir without accounts, prints how to
// log in with it, and keeps it across a restart; with adminrouter_auth_enabled false it makes none.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startMinidc, type RunningMinidc } from '../../../support/minidc-cli.ts';

const runs: RunningMinidc[] = [];
let dir: string;

after(async () => {
  for (const r of runs) r.child.kill('SIGKILL');
  await Promise.all(runs.map((r) => r.exited));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts a master-only cluster, waits until it says it is up, and stops it; resolves with its output. */
async function startAndStop(dataDir: string, config: Record<string, unknown>): Promise<string> {
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ executor: 'simulated', ...config }));
  const run = startMinidc(['--config', configFile, '--ports', 'ephemeral', '--data-dir', dataDir, '--no-sample', '--agents', '0', '--public-agents', '0']);
  runs.push(run);
  await eventually('minidc up', () => (run.output().includes('Ctrl-C to stop') ? true : undefined), 60_000).catch((err: Error) => {
    throw new Error(`${err.message}: ${run.output()}`);
  });
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.output());
  return run.output();
}

test('minidc start: first admin credential made once (0600), a login hint printed at each start', async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-first-admin-'));
  const dataDir = join(dir, 'data');
  const credentialPath = join(dataDir, 'auth', 'admin-credential.json');
  const hint = `minidc: Admin Router login: minidc auth login --data-dir ${dataDir} (uses ${credentialPath}, mode 0600)`;

  const first = await startAndStop(dataDir, {});
  assert.ok(first.split('\n').includes(hint), first);
  assert.match(first, /^minidc: status page: http:\/\/127\.[\d.]+:\d+\/$/m, 'the status page URL (the master\'s Admin Router) is printed');
  assert.equal((await stat(credentialPath)).mode & 0o777, 0o600);
  const credential = await readFile(credentialPath, 'utf8');
  assert.equal((JSON.parse(credential) as { uid: string }).uid, 'admin');

  const second = await startAndStop(dataDir, {});
  assert.ok(second.split('\n').includes(hint), second);
  assert.equal(await readFile(credentialPath, 'utf8'), credential, 'the same credential after a restart');

  const open = join(dir, 'open');
  const output = await startAndStop(open, { adminrouter_auth_enabled: false });
  assert.ok(!output.includes('Admin Router login'), output);
  assert.ok(!existsSync(join(open, 'auth')), 'no auth dir in open mode');
});
