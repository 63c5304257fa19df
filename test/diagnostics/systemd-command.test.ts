// `minidc diagnostics --systemd` as an operator runs it on a DC/OS master, through the real bin/minidc.js with the
// fixture systemctl/journalctl (fixtures/systemd/bin/) standing in for the host's: /system/health/v1 has the
// embedded node's fields in its order, the failed unit 1 with its journal lines at the end of `output`, the timer's
// exited-0 oneshot 0, the not-found unit 1, the flapping one 1, the master 0 while its liveness probe (a fake Mesos)
// passes and 1 once it fails; a hung systemctl still gets an answer, every unit 1 saying why; SIGTERM stops it
// cleanly; bad options are one line and exit 1.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goTimeString } from '../../diagnostics/health/journal-lines.ts';
import type { NodeHealthResponse, UnitHealthReport } from '../../diagnostics/health/node-health.ts';
import { parseJournalJson } from '../../diagnostics/systemd/journal-json.ts';
import { eventually, minidc, REPO_ROOT } from '../support/minidc-cli.ts';

const FIXTURES = fileURLToPath(new URL('fixtures/systemd/', import.meta.url));
const BIN = join(REPO_ROOT, 'bin/minidc.js');
/** The embedded node's body, fields in order (README "A node"; health-cluster.test.ts checks the embedded one). */
const BODY_FIELDS = ['units', 'hostname', 'ip', 'dcos_version', 'node_role', 'mesos_id', 'dcos_diagnostics_version'];
const UNIT_FIELDS = ['id', 'health', 'output', 'description', 'help', 'name'];

interface Running {
  child: ChildProcess;
  output(): string;
  healthUrl: string;
  exited: Promise<number | string>;
}

const running: Running[] = [];
const servers: Server[] = [];

after(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  await Promise.all(running.map((r) => r.exited));
  for (const s of servers) s.close();
});

const fixtureArgs = (systemctl = 'systemctl') => [
  '--wants-dir',
  join(FIXTURES, 'wants'),
  '--systemctl',
  join(FIXTURES, 'bin', systemctl),
  '--journalctl',
  join(FIXTURES, 'bin', 'journalctl'),
];

async function startDiagnostics(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'diagnostics', '--systemd', '--listen', '127.0.0.1:0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const partial = { child, output: () => out, exited, healthUrl: '' };
  running.push(partial);
  partial.healthUrl = await eventually('minidc diagnostics serving', () => {
    if (child.exitCode !== null) throw new Error(`minidc diagnostics exited ${child.exitCode}: ${out}`);
    return /serving (http:\/\/\S+\/system\/health\/v1)/.exec(out)?.[1];
  });
  return partial;
}

async function health(r: Running): Promise<NodeHealthResponse> {
  // A hang guard, not a timing assertion.
  const response = await fetch(r.healthUrl, { signal: AbortSignal.timeout(30_000) });
  assert.equal(response.status, 200);
  return (await response.json()) as NodeHealthResponse;
}

/** A Mesos master as the liveness probe asks it: elected, and answering /health. */
async function fakeMesosMaster(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics/snapshot') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"master/elected":1}');
    if (req.url === '/health') return void res.writeHead(200).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** The last lines of a unit's recorded journal, as dcos-diagnostics prints them after the rule's text. */
function recordedJournalLines(unit: string): string {
  const entries = parseJournalJson(readFileSync(join(FIXTURES, 'journal', `${unit}.json`), 'utf8'));
  return entries.map((e) => `${goTimeString(e.timestamp)} ${e.message}\n`).join('');
}

const unitOf = (body: NodeHealthResponse, id: string): UnitHealthReport => {
  const unit = body.units.find((u) => u.id === id);
  assert.ok(unit, `${id} in ${body.units.map((u) => u.id).join(', ')}`);
  return unit;
};

test("a DC/OS master's systemd units: the embedded node's body, each unit judged by dcos-diagnostics' rules", async () => {
  const mesos = await fakeMesosMaster();
  const r = await startDiagnostics(['--role', 'master', '--ip', '127.0.0.1', '--endpoint', `mesos=${mesos.url}`, ...fixtureArgs()]);
  const body = await health(r);
  assert.deepEqual(Object.keys(body), BODY_FIELDS);
  for (const u of body.units) assert.deepEqual(Object.keys(u), UNIT_FIELDS);
  assert.deepEqual(
    { hostname: body.hostname, ip: body.ip, node_role: body.node_role, mesos_id: body.mesos_id },
    { hostname: hostname(), ip: '127.0.0.1', node_role: 'master', mesos_id: '' },
  );
  // The dcos-* units dcos.target wants, sorted, less dcos-setup.service (never reported) and the drop-in directory.
  assert.deepEqual(
    body.units.map((u) => u.id),
    ['dcos-exhibitor.service', 'dcos-history.service', 'dcos-logrotate-master.service', 'dcos-logrotate-master.timer', 'dcos-mesos-master.service', 'dcos-metronome.service'],
  );
  assert.deepEqual(unitOf(body, 'dcos-mesos-master.service'), {
    id: 'dcos-mesos-master.service',
    health: 0,
    output: '',
    description: 'distributed systems kernel',
    help: '',
    name: 'Mesos Master',
  });
  assert.deepEqual(
    [unitOf(body, 'dcos-logrotate-master.service'), unitOf(body, 'dcos-logrotate-master.timer')].map((u) => [u.health, u.output, u.name]),
    [
      [0, '', 'DC/OS Logrotate'],
      [0, '', 'Logrotate Timer'],
    ],
  );

  const failed = unitOf(body, 'dcos-exhibitor.service');
  assert.equal(failed.health, 1);
  const exhibitorJournal = recordedJournalLines('dcos-exhibitor.service');
  assert.equal(
    failed.output,
    'dcos-exhibitor.service state is not one of the possible states [active inactive activating]. Current state is [ failed ]. ' +
      'Please check `systemctl show all dcos-exhibitor.service` to check current Unit state. \n' +
      exhibitorJournal,
  );
  // The MESSAGE journald exported as bytes, decoded, among the lines.
  assert.ok(failed.output.includes('2026-12-07 03:12:44.208 +0000 UTC \x1b[31mERROR\x1b[0m com.netflix.exhibitor'), failed.output);
  assert.ok(failed.output.endsWith('2026-12-07 03:12:44.512 +0000 UTC Failed to start Exhibitor: Zookeeper Supervisor Service.\n'));

  const missing = unitOf(body, 'dcos-history.service');
  assert.deepEqual(
    [missing.health, missing.output, missing.name],
    [1, 'dcos-history.service is not loaded. Please check `systemctl show all` to check current Unit status.\n', 'dcos-history.service'],
  );
  const flapping = unitOf(body, 'dcos-metronome.service');
  assert.equal(flapping.health, 1);
  assert.equal(
    flapping.output,
    'Unit dcos-metronome.service is flapping. Please check `systemctl status dcos-metronome.service` to check current Unit state.\n' +
      recordedJournalLines('dcos-metronome.service'),
  );

  // The liveness probe decides for a unit systemd calls running: Mesos gone, the master is 1 with the probe's text.
  await new Promise<void>((resolve) => mesos.server.close(() => resolve()));
  const probed = unitOf(await health(r), 'dcos-mesos-master.service');
  assert.equal(probed.health, 1);
  assert.ok(probed.output.startsWith(`Liveness probe failed: GET ${mesos.url}/metrics/snapshot: `), probed.output);
  assert.ok(probed.output.endsWith(recordedJournalLines('dcos-mesos-master.service')), probed.output);

  r.child.kill('SIGTERM');
  assert.equal(await r.exited, 0);
  assert.match(r.output(), /minidc diagnostics: SIGTERM: stopped/);
});

test('a hung systemctl: the health request still answers within the timeout, every unit 1 saying why', async () => {
  const r = await startDiagnostics(['--role', 'master', '--ip', '127.0.0.1', '--timeout', '0.5', '--endpoint', 'mesos=http://127.0.0.1:1', ...fixtureArgs('systemctl-hang')]);
  const body = await health(r);
  assert.deepEqual(Object.keys(body), BODY_FIELDS);
  const why = `${join(FIXTURES, 'bin', 'systemctl-hang')} show: no answer within 500 ms`;
  assert.equal(body.units.length, 6);
  for (const u of body.units) {
    assert.equal(u.health, 1, u.id);
    assert.ok(u.output.startsWith(`${why}\n`), u.output);
  }
  // The journal is still read: only systemctl hangs.
  assert.ok(unitOf(body, 'dcos-exhibitor.service').output.endsWith(recordedJournalLines('dcos-exhibitor.service')));
});

test('a node bundle from systemd: PUT, Done, the zip passes unzip -t with each unit journal and the health body', async (t) => {
  const bundleDir = mkdtempSync(join(tmpdir(), 'minidc-systemd-bundles-'));
  t.after(() => rmSync(bundleDir, { recursive: true, force: true }));
  const mesos = await fakeMesosMaster();
  const r = await startDiagnostics(['--role', 'master', '--ip', '127.0.0.1', '--endpoint', `mesos=${mesos.url}`, '--bundle-dir', bundleDir, ...fixtureArgs()]);
  const bundles = r.healthUrl.replace(/\/system\/health\/v1$/, '/system/health/v1/node/diagnostics');
  const put = await fetch(`${bundles}/n1`, { method: 'PUT', signal: AbortSignal.timeout(10_000) });
  assert.equal(put.status, 200, await put.text());
  const done = await eventually('the node bundle done', async () => {
    const b = (await (await fetch(`${bundles}/n1`, { signal: AbortSignal.timeout(10_000) })).json()) as { status: string; errors?: string[] };
    return b.status === 'Done' || b.status === 'Failed' ? b : undefined;
  }, 60_000);
  assert.equal(done.status, 'Done', JSON.stringify(done));
  const zip = join(bundleDir, 'n1.zip');
  writeFileSync(zip, Buffer.from(await (await fetch(`${bundles}/n1/file`, { signal: AbortSignal.timeout(10_000) })).arrayBuffer()));
  execFileSync('unzip', ['-tq', zip]);
  const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
  for (const name of ['dcos-diagnostics-health.json', 'dcos-exhibitor.service', 'dcos-mesos-master.service', 'system-info.json'])
    assert.ok(names.includes(name), `${name} in ${names.join(' ')}`);
  const journal = execFileSync('unzip', ['-p', zip, 'dcos-exhibitor.service'], { encoding: 'utf8' });
  assert.match(journal, /Failed to start Exhibitor: Zookeeper Supervisor Service\.\n$/);
  const healthBody = JSON.parse(execFileSync('unzip', ['-p', zip, 'dcos-diagnostics-health.json'], { encoding: 'utf8' })) as NodeHealthResponse;
  assert.equal(unitOf(healthBody, 'dcos-exhibitor.service').health, 1);
});

test('bad options, no --systemd, a missing systemctl or wants directory: one line on stderr, exit 1', () => {
  const cases: [string[], RegExp][] = [
    [['diagnostics'], /^minidc: diagnostics without --systemd: the embedded cluster's dcos-diagnostics runs on every node under `minidc start`\n$/],
    [['diagnostics', '--systemd', '--role', 'boss'], /^minidc: option '--role <role>' argument 'boss' is invalid\. Expected one of master, agent, agent_public\.\n$/],
    [['diagnostics', '--systemd', '--role', 'agent', '--listen', 'nowhere'], /^minidc: option '--listen <addr>' argument 'nowhere' is invalid\..*\n$/],
    [['diagnostics', '--systemd', '--role', 'agent', '--timeout', '0'], /^minidc: option '--timeout <secs>' argument '0' is invalid\..*\n$/],
    [['diagnostics', '--systemd', '--role', 'agent', '--endpoint', 'zookeeper=x'], /^minidc: option '--endpoint <name=addr>' argument 'zookeeper=x' is invalid\..*\n$/],
    [['diagnostics', '--systemd', '--role', 'agent', '--ip', '10.0.0'], /^minidc: option '--ip <addr>' argument '10\.0\.0' is invalid\. Expected an IPv4 address\.\n$/],
    [['diagnostics', '--systemd', '--bogus'], /^minidc: unknown option '--bogus'\n$/],
    [['diagnostics', '--systemd', '--role', 'agent', '--ip', '127.0.0.1', ...fixtureArgs(), '--systemctl', '/nonexistent/systemctl'], /^minidc: \/nonexistent\/systemctl --version: not found .*\n$/],
    [['diagnostics', '--systemd', '--role', 'agent', '--ip', '127.0.0.1', ...fixtureArgs(), '--wants-dir', '/nonexistent'], /^minidc: cannot read \/nonexistent: ENOENT\n$/],
  ];
  for (const [args, stderr] of cases) {
    const r = minidc(args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, stderr);
    assert.equal(r.stdout, '');
  }
});
