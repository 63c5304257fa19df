// Logrotate through `minidc start` (its own process) with a 2 KiB `logrotate_max_size_mb` and a per-second
// schedule: rotated journals (`.1`, `.2.gz`) appear on the master and on agents, each run is journalled, and
// `/system/health/v1/units/dcos-logrotate-{master,agent}.service` is healthy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, startMinidc, type EndpointsFile, type RunningMinidc } from '../../support/minidc-cli.ts';
import { allLines } from './logrotate-support.ts';

let dir: string;
let minidc: RunningMinidc;
let endpoints: EndpointsFile;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'minidc-logrotate-'));
  const config = { logrotate_max_size_mb: 2 / 1024, logrotate_schedule: '* * * * * *', diagnostics_pull_interval: '1secs', sample_app: false };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  minidc = startMinidc(['--ports', 'ephemeral', '--agents', '1', '--public-agents', '0', '--data-dir', join(dir, 'data'), '--config', join(dir, 'config.json')]);
  endpoints = await endpointsOf(minidc, join(dir, 'data'), 90_000);
});

after(async () => {
  minidc?.child.kill('SIGTERM');
  await minidc?.exited;
  rmSync(dir, { recursive: true, force: true });
});

test('journals are rotated on every node, each run is journalled, and the logrotate services are healthy', { timeout: 120_000 }, async () => {
  const diagnostics = endpoints.nodes.find((n) => n.role === 'master')!.endpoints.diagnostics!;
  for (const [role, unit] of [
    ['master', 'dcos-logrotate-master.service'],
    ['agent', 'dcos-logrotate-agent.service'],
  ] as const) {
    const node = endpoints.nodes.find((n) => n.role === role)!;
    assert.ok(node.units.includes(unit) && node.units.includes(unit.replace('.service', '.timer')), node.units.join(' '));
    const journalDir = join(dir, 'data', 'nodes', node.ip, 'journal');
    // The diagnostics unit journals every pull: its journal grows past 2 KiB and is rotated twice.
    await eventually(`rotated journals on the ${role}`, () => {
      const names = readdirSync(journalDir);
      return names.some((n) => n.endsWith('.log.2.gz')) && names.some((n) => n.endsWith('.log.1')) ? names : undefined;
    }, 60_000);
    const ownJournal = join(journalDir, `${unit}.log`);
    await eventually(`${unit} journals its runs`, () => {
      const lines = allLines(ownJournal);
      return lines.some((l) => l.includes('rotated ') && l.includes('bytes)')) && lines.some((l) => /checked \d+ logs, rotated \d+/.test(l)) ? true : undefined;
    });
    const health = await eventually(`${unit} in the aggregated health`, async () => {
      const response = await fetch(`${diagnostics}/system/health/v1/units/${unit}`, { signal: AbortSignal.timeout(10_000) });
      return response.status === 200 ? ((await response.json()) as { id: string; health: number }) : undefined;
    });
    assert.equal(health.id, unit);
    assert.equal(health.health, 0, `${unit} is healthy`);
  }
});
