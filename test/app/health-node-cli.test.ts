// `minidc health` and `minidc node list`, the real CLI process against an embedded cluster started in-process (so a
// test can stop a unit and see the table mark it): endpoints.json lookup, the table, the exit codes, --json, --url.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NODE_SERVICES } from '../../app/node-services.ts';
import { Cluster, type ClusterNode } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import type { ClusterReport } from '../../diagnostics/cluster/cluster-report.ts';
import { loggedInEnv, minidcAsync } from '../support/minidc-cli.ts';

let dir: string;
let dataDir: string;
let cluster: Cluster;
/** Logged in as the first admin: without --url the commands go through the master's Admin Router. */
let env: NodeJS.ProcessEnv;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-health-cli-'));
  dataDir = join(dir, 'data');
  const configFile = join(dir, 'config.json');
  // Pulls only when asked (--fresh), so each check reads the state it just made.
  await writeFile(configFile, JSON.stringify({ executor: 'simulated', sample_app: false, diagnostics_pull_interval: '1hrs' }));
  const config = loadClusterConfig({ config: configFile, dataDir, ports: 'ephemeral', agents: '1', publicAgents: '1' });
  cluster = new Cluster(config, NODE_SERVICES);
  await cluster.start();
  await cluster.writeEndpoints();
  env = await loggedInEnv(dataDir, join(dir, 'config'));
});
after(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

const nodeOf = (role: string): ClusterNode => cluster.nodes.find((n) => n.role === role)!;
/** A port nothing listens on: one the OS just gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The table's rows as cells (split on runs of two or more spaces). */
const rowsOf = (table: string) => table.split('\n').map((line) => line.split(/ {2,}/));
const health = (...args: string[]) => minidcAsync(['health', '--data-dir', dataDir, ...args], { env });

/** Polls `minidc health --fresh` until `ready` accepts its result (unit probes settle just after start). */
async function healthUntil(ready: (r: { status: number | null; stdout: string }) => boolean, ...args: string[]) {
  for (let attempt = 0; ; attempt++) {
    const r = await health('--fresh', ...args);
    if (ready(r) || attempt === 30) return r;
  }
}

test('node list: the leading master and every agent, typed as dcos node list; --json the Mesos objects', async () => {
  const r = await minidcAsync(['node', 'list', '--data-dir', dataDir], { env });
  assert.equal(r.status, 0, r.stderr);
  const master = nodeOf('master');
  const agent = nodeOf('agent');
  const pub = nodeOf('agent_public');
  assert.deepEqual(rowsOf(r.stdout.trimEnd()), [
    ['HOSTNAME', 'IP', 'ID', 'TYPE'],
    [master.ip, master.ip, master.id, 'master (leader)'],
    [agent.ip, agent.ip, agent.id, 'agent'],
    [pub.ip, pub.ip, pub.id, 'agent (public)'],
  ]);
  const json = await minidcAsync(['node', 'list', '--url', master.endpoints.mesos!, '--json']);
  assert.equal(json.status, 0, json.stderr);
  const nodes = JSON.parse(json.stdout) as { id: string; ip: string; type: string; attributes?: Record<string, string> }[];
  assert.deepEqual(nodes.map((n) => [n.id, n.ip, n.type]), [
    [master.id, master.ip, 'master (leader)'],
    [agent.id, agent.ip, 'agent'],
    [pub.id, pub.ip, 'agent (public)'],
  ]);
  assert.equal(nodes[2]!.attributes?.public_ip, 'true');
});

test('health: every unit ok on every node, exit 0; a stopped unit is marked on its node and exits 1', async () => {
  const agent = nodeOf('agent');
  const ok = await healthUntil((r) => r.status === 0);
  assert.equal(ok.status, 0, ok.stdout);
  const rows = rowsOf(ok.stdout.trimEnd());
  assert.deepEqual(rows[0], ['UNIT', ...cluster.nodes.map((n) => n.ip)]);
  assert.deepEqual(rows[1], ['', ...cluster.nodes.map((n) => n.role)]);
  assert.deepEqual(rows.find((r) => r[0] === 'dcos-spartan.service'), ['dcos-spartan.service', 'ok', 'ok', 'ok']);
  assert.deepEqual(rows.find((r) => r[0] === 'dcos-marathon.service'), ['dcos-marathon.service', 'ok', '-', '-']);
  assert.match(ok.stdout, /\nall \d+ units healthy on 3 nodes\n$/);

  const unit = agent.units.get('dcos-minuteman.service')!;
  await unit.stop();
  try {
    const bad = await health('--fresh');
    assert.equal(bad.status, 1, bad.stdout);
    const badRows = rowsOf(bad.stdout.trimEnd());
    assert.deepEqual(badRows.find((r) => r[0] === 'dcos-minuteman.service'), ['dcos-minuteman.service', 'ok', '✗ 1', 'ok']);
    assert.match(bad.stdout, /✗ 1: unhealthy/, 'the legend');
    assert.equal(bad.stdout.trimEnd().split('\n').at(-1), '1 unhealthy unit on 1 node');

    // --json: the report as served, the same exit status.
    const json = await health('--json');
    assert.equal(json.status, 1);
    const report = JSON.parse(json.stdout) as ClusterReport;
    assert.deepEqual(Object.keys(report), ['Units', 'Nodes', 'UpdatedTime']);
    assert.equal(report.Units!['dcos-minuteman.service']!.Health, 1);
  } finally {
    await unit.start();
  }
  assert.equal((await healthUntil((r) => r.status === 0)).status, 0);
});

test('health: a node the master cannot reach is marked unreachable in its column', async () => {
  const master = nodeOf('master');
  const pub = nodeOf('agent_public');
  const diagnostics = pub.units.get('dcos-diagnostics.service')!;
  await diagnostics.stop();
  try {
    const r = await minidcAsync(['health', '--fresh', '--url', master.endpoints.diagnostics!]);
    assert.equal(r.status, 1, r.stdout);
    const rows = rowsOf(r.stdout.trimEnd());
    assert.deepEqual(rows.find((row) => row[0] === 'dcos-spartan.service'), ['dcos-spartan.service', 'ok', 'ok', '✗ unreachable']);
    assert.equal(r.stdout.trimEnd().split('\n').at(-1), '0 unhealthy units on 0 nodes; 1 node unreachable');
  } finally {
    await diagnostics.start();
  }
});

test('health: columns that do not fit COLUMNS go into further blocks; long unit names are shortened', async () => {
  const r = await health('--fresh');
  const narrow = await minidcAsync(['health', '--data-dir', dataDir], { env: { ...env, COLUMNS: '50' } });
  assert.equal(narrow.status, r.status);
  const blocks = narrow.stdout.split('\n\n');
  assert.equal(blocks.length, 4, 'three node blocks and the legend');
  for (const [i, node] of cluster.nodes.entries()) assert.deepEqual(rowsOf(blocks[i]!)[0], ['UNIT', node.ip]);
  for (const line of blocks.slice(0, 3).join('\n').split('\n')) assert.ok([...line].length <= 50, line);
  assert.ok(rowsOf(narrow.stdout).some((row) => row[0] === 'dcos-mesos-slave-public.service'), 'names up to 36 characters are kept');
});

test('no --url and no endpoints.json: one line naming both, non-zero; unreachable URL likewise', async () => {
  for (const args of [['health'], ['node', 'list'], ['node', 'diagnostics', 'list']]) {
    const r = await minidcAsync([...args, '--data-dir', join(dir, 'nowhere')]);
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^minidc: no --url given and .*nowhere\/endpoints\.json does not exist .*--url\)\n$/);
  }
  assert.equal((await minidcAsync(['health', '--data-dir', join(dir, 'nowhere')])).status, 2, 'health: 2 when the report cannot be read');
  const port = await closedPort();
  const refused = await minidcAsync(['node', 'list', '--url', `http://127.0.0.1:${port}`]);
  assert.equal(refused.status, 1);
  assert.equal(refused.stderr, `minidc: GET http://127.0.0.1:${port}/master/state: ECONNREFUSED\n`);
});

test('through Admin Router without a stored token: one line saying to log in, non-zero', async () => {
  const anonymous = { ...process.env, MINIDC_CONFIG_DIR: join(dir, 'nobody') };
  for (const args of [['health'], ['node', 'list']]) {
    const r = await minidcAsync([...args, '--data-dir', dataDir], { env: anonymous });
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^minidc: GET http:\/\/\S+: HTTP 401: not logged in to http:\/\/\S+; log in with minidc auth login\n$/);
  }
});
