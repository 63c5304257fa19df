// A node's bundle content on an embedded cluster started in-process with the app's node services (real task
// processes, the sample app and an app that prints secrets): master and agent content written into a real zip,
// checked with unzip (-t, -l, -p): unit journals, the health body, endpoint dumps named by the real ports, no empty
// file, sandbox stdout; an unreachable endpoint is an error while the rest still lands; abort stops promptly; a
// secret from the environment, one from a config key and an unlisted one under a secret-looking key appear nowhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NODE_SERVICES } from '../../app/node-services.ts';
import { Cluster, type ClusterNode } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import { deploySampleApp } from '../../runtime/cluster/sample-app.ts';
import type { NodeHealthResponse } from '../../diagnostics/health/node-health.ts';
import { ZipFileWriter } from '../../diagnostics/bundles/zip-file-writer.ts';
import {
  endpointFileName,
  HEALTH_FILE,
  nodeBundleContent,
  secretsFrom,
  type NodeBundleContentOptions,
  type NodeRole,
} from '../../diagnostics/bundles/content/node-bundle-content.ts';
import { eventually } from '../support/minidc-cli.ts';

const ENV_SECRET = 'env-secret-5f1c9a77e2';
const CONFIG_SECRET = 'cfg-secret-0b8d3e41c6';
/** In no list: only the secret-looking key it sits under gives it away. */
const UNLISTED_SECRET = 'unlisted-pw-71aa02f9';
const SECRETS = [ENV_SECRET, CONFIG_SECRET, UNLISTED_SECRET];

let dir: string;
let cluster: Cluster;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-bundle-content-'));
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ sample_app: false, diagnostics_pull_interval: '1hrs' }));
  const config = loadClusterConfig({ config: configFile, dataDir: join(dir, 'data'), ports: 'ephemeral', agents: '1', publicAgents: '0' });
  // What logrotate leaves beside a journal from an earlier run: `.1` plain, `.2.gz` compressed, both holding a secret.
  const journal = join(dir, 'data', 'nodes', config.agents[0]!.ip, 'journal', 'dcos-minuteman.service.log');
  await mkdir(dirname(journal), { recursive: true });
  const entry = (minutesAgo: number, message: string) =>
    `${JSON.stringify({ ts: new Date(Date.now() - minutesAgo * 60_000).toISOString(), unit: 'dcos-minuteman.service', priority: 6, message })}\n`;
  await writeFile(`${journal}.2.gz`, gzipSync(entry(60, `rotated two ${CONFIG_SECRET}`)));
  await writeFile(`${journal}.1`, entry(30, `rotated one ${ENV_SECRET}`));
  cluster = new Cluster(config, NODE_SERVICES);
  await cluster.start();
  await cluster.writeEndpoints();
  await deploySampleApp(cluster, () => {});
  const created = await fetch(`${nodeOf('master').endpoints.marathon}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: '/secretive',
      // The listed secrets are literal in the command (so in /v2/apps, /master/state, `ps` and stdout).
      cmd: `echo "env ${ENV_SECRET} config ${CONFIG_SECRET} SERVICE_PASSWORD=$SERVICE_PASSWORD"; exec sleep 600`,
      env: { SERVICE_PASSWORD: UNLISTED_SECRET },
      instances: 1,
      cpus: 0.05,
      mem: 16,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(created.status, 201, await created.text());
  const tasksRunning = async () => {
    const { tasks } = (await (await fetch(`${nodeOf('master').endpoints.marathon}/v2/tasks`)).json()) as { tasks: { appId: string; state?: string }[] };
    const running = (app: string) => tasks.filter((t) => t.appId === app && t.state === 'TASK_RUNNING').length;
    return running('/sample') === 3 && running('/secretive') === 1 ? true : undefined;
  };
  await eventually('the sample app and /secretive running', tasksRunning, 60_000);
});
after(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

const nodeOf = (role: string): ClusterNode => cluster.nodes.find((n) => n.role === role)!;

async function healthOf(node: ClusterNode): Promise<NodeHealthResponse> {
  const response = await fetch(`${node.endpoints.diagnostics}/system/health/v1`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as NodeHealthResponse;
}

function contentOptions(node: ClusterNode, overrides: Partial<NodeBundleContentOptions> = {}): NodeBundleContentOptions {
  return {
    units: node.units.reader(),
    role: node.role as NodeRole,
    hostname: node.hostname,
    endpoints: () => ({ ...node.endpoints }),
    health: () => healthOf(node),
    ...(node.role === 'master' ? {} : { agentWorkDir: join(cluster.nodeDir(node), 'mesos-agent') }),
    secrets: secretsFrom({ diagnostics: { bundle_auth_token: CONFIG_SECRET } }, { ...process.env, MINIDC_TEST_API_TOKEN: ENV_SECRET }),
    ...overrides,
  };
}

interface WrittenBundle {
  path: string;
  errors: string[];
  /** Entry name → size, from `unzip -l`. */
  entries: Map<string, number>;
}

let bundles = 0;
async function writeBundle(options: NodeBundleContentOptions): Promise<WrittenBundle> {
  const path = join(dir, `node-${++bundles}.zip`);
  const writer = new ZipFileWriter(path);
  const errors = await nodeBundleContent(options).write(writer, new AbortController().signal);
  await writer.close();
  execFileSync('unzip', ['-t', path]);
  return { path, errors, entries: zipEntries(path) };
}

function zipEntries(path: string): Map<string, number> {
  const entries = new Map<string, number>();
  // `unzip -Z`: "-rw-… 2.0 unx <size> bl defN 26-Dec-07 03:36 <name>".
  for (const line of execFileSync('unzip', ['-Z', path], { encoding: 'utf8' }).split('\n')) {
    const m = /^[-dl][rwxsStT-]{9}\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m) entries.set(m[2]!, Number(m[1]));
  }
  return entries;
}

const entryText = (path: string, name: string): string => execFileSync('unzip', ['-p', path, name], { maxBuffer: 256 * 1024 * 1024 }).toString('utf8');
const portOf = (url: string): number => Number(new URL(url).port);

function assertCommon(bundle: WrittenBundle, node: ClusterNode): void {
  const { entries, path } = bundle;
  for (const [name, size] of entries) assert.ok(size > 0, `${name} is empty`);
  const unitNames = node.units.reader().unitNames();
  for (const unit of unitNames) {
    assert.ok(entries.has(unit), `journal of ${unit}`);
    const lines = entryText(path, unit).split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 0, `${unit} has lines`);
    // A timer's service has no journal before its first run (its timer has not triggered it yet).
    const timer = unit.endsWith('.service') ? unit.replace(/\.service$/, '.timer') : undefined;
    if (lines[0] === `(no journal entries for ${unit} in the collected window)` && timer !== undefined && unitNames.includes(timer)) continue;
    assert.match(lines[0]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+00:00 ${node.hostname.replaceAll('.', '\\.')} ${unit.replace(/\.\w+$/, '')}: `));
  }
  const health = JSON.parse(entryText(path, HEALTH_FILE)) as NodeHealthResponse;
  assert.equal(health.ip, node.ip);
  assert.deepEqual(health.units.map((u) => u.id), node.units.reader().unitNames());
  const metrics = endpointFileName(portOf(node.endpoints.metrics!), '/metrics', 'txt');
  assert.match(entryText(path, metrics), /^# HELP /m);
  assert.ok(JSON.parse(entryText(path, endpointFileName(portOf(node.endpoints.l4lb!), '/vips'))).vips);
  assert.ok(entries.has(endpointFileName(portOf(node.endpoints.dns_forwarder_api!), '/v1/metrics')));
  assert.ok(entries.has('system-info.json'));
  const info = JSON.parse(entryText(path, 'system-info.json')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(info).sort(), ['cpu', 'fsSize', 'mem', 'networkInterfaces', 'os', 'time']);
  for (const command of ['ps_aux_ww.output', 'df_-h.output', 'uname_-a.output', 'binsh_-c_cat etcos-release.output', 'dmesg_-T.output'])
    assert.ok(entries.has(command), command);
  assert.match(entryText(path, 'uname_-a.output'), /Linux/);
}

/** No entry holds any of the secrets, read back with `unzip -p` one by one. */
function assertNoSecrets(bundle: WrittenBundle): void {
  for (const name of bundle.entries.keys()) {
    const text = entryText(bundle.path, name);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} in ${name}`);
  }
}

/** A node's whole content, written without errors and with what every node has. */
async function cleanBundleOf(role: string): Promise<{ node: ClusterNode; bundle: WrittenBundle }> {
  const node = nodeOf(role);
  const bundle = await writeBundle(contentOptions(node));
  assert.deepEqual(bundle.errors, []);
  assertCommon(bundle, node);
  return { node, bundle };
}

/** Each dump of `uris` from the node's `endpoint`, named by that endpoint's real port; returns the port. */
function assertDumps(bundle: WrittenBundle, node: ClusterNode, endpoint: string, uris: readonly string[]): number {
  const port = portOf(node.endpoints[endpoint]!);
  for (const uri of uris) assert.ok(bundle.entries.has(endpointFileName(port, uri)), `${endpoint} ${uri}`);
  return port;
}

test('a master node: journals, health, dumps named by the real ports, commands; no empty file, no secret', async () => {
  const { node: master, bundle } = await cleanBundleOf('master');
  // Listed here apart from ENDPOINT_DUMPS on purpose: what the bundle must hold, not what the code says it holds.
  const masterDumps = ['/master/state', '/master/state-summary', '/master/slaves', '/master/frameworks', '/master/tasks', '/master/roles', '/master/flags', '/metrics/snapshot', '/version'];
  const mesos = assertDumps(bundle, master, 'mesos', masterDumps);
  assert.equal(JSON.parse(entryText(bundle.path, `${mesos}-master_state.json`)).hostname, master.hostname);
  const marathon = assertDumps(bundle, master, 'marathon', ['/v2/apps', '/v2/deployments', '/v2/groups', '/v2/info', '/v2/leader', '/v2/queue', '/v2/tasks']);
  // Optional (a real Marathon serves it, minidc does not): its failure is the file's content, not an error.
  assert.match(entryText(bundle.path, `${marathon}-v2_pods.json`), /HTTP 404/);
  const mesosDns = portOf(master.endpoints.mesos_dns!);
  assert.ok(JSON.parse(entryText(bundle.path, `${mesosDns}-v1_axfr.json`)));
  assert.ok(bundle.entries.has(`${mesosDns}-v1_config.json`));
  // The secrets were there to redact: the app's env and command are in Marathon's dump, redacted.
  const apps = entryText(bundle.path, `${marathon}-v2_apps.json`);
  assert.match(apps, /"SERVICE_PASSWORD":"\[REDACTED\]"/);
  assert.match(apps, /echo \\"env \[REDACTED\] config \[REDACTED\]/);
  assert.ok(![...bundle.entries.keys()].some((n) => n.startsWith('sandboxes/')), 'no sandboxes on a master');
  assertNoSecrets(bundle);
});

test('an agent node: its Mesos dumps, the sample app’s sandbox stdout, rotated journals; no empty file, no secret', async () => {
  const { node: agent, bundle } = await cleanBundleOf('agent');
  // The rotated journals' entries (planted before the cluster started) are in the unit's journal file, oldest
  // first, each once; the rotated files themselves are not copied again beside it.
  const minuteman = entryText(bundle.path, 'dcos-minuteman.service');
  const lines = minuteman.split('\n');
  const two = lines.findIndex((l) => l.endsWith('dcos-minuteman: rotated two [REDACTED]'));
  const one = lines.findIndex((l) => l.endsWith('dcos-minuteman: rotated one [REDACTED]'));
  assert.ok(two >= 0 && one > two, minuteman);
  assert.equal(minuteman.split('rotated one').length, 2, 'the .1 entry once');
  assert.ok(![...bundle.entries.keys()].some((n) => /\.log\.\d/.test(n)), [...bundle.entries.keys()].join(' '));
  assertDumps(bundle, agent, 'mesos', ['/state', '/flags', '/metrics/snapshot', '/containers']);
  const sampleStdout = [...bundle.entries.keys()].filter((n) => /^sandboxes\/sample\/sample\.[0-9a-f-]{36}\/stdout$/.test(n));
  assert.equal(sampleStdout.length, 3, [...bundle.entries.keys()].join(' '));
  assert.match(entryText(bundle.path, sampleStdout[0]!), /^sample app sample\.\S+ listening on /);
  const secretive = [...bundle.entries.keys()].find((n) => /^sandboxes\/secretive\/[^/]+\/stdout$/.test(n))!;
  assert.equal(entryText(bundle.path, secretive), 'env [REDACTED] config [REDACTED] SERVICE_PASSWORD=[REDACTED]\n');
  assertNoSecrets(bundle);
});

test('an unreachable endpoint is an error naming its file; everything else still lands', async () => {
  const master = nodeOf('master');
  const closed = createServer();
  closed.listen(0, master.ip);
  await once(closed, 'listening');
  const deadPort = (closed.address() as AddressInfo).port;
  closed.close();
  await once(closed, 'close');
  const bundle = await writeBundle(contentOptions(master, { endpoints: () => ({ ...master.endpoints, mesos_dns: `http://${master.ip}:${deadPort}` }) }));
  assert.deepEqual(
    bundle.errors.map((e) => e.split(':')[0]).sort(),
    [`${deadPort}-v1_axfr.json`, `${deadPort}-v1_config.json`, `${deadPort}-v1_version.json`],
  );
  assert.match(bundle.errors[0]!, /ECONNREFUSED/);
  assert.ok(!bundle.entries.has(`${deadPort}-v1_config.json`));
  assert.ok(bundle.entries.has(`${portOf(master.endpoints.mesos!)}-master_state.json`));
  assert.ok(bundle.entries.has('dcos-mesos-master.service'));
});

test('abort mid-way: the hung collector is cut off, the write resolves, the writer refuses more', async () => {
  const master = nodeOf('master');
  const requests: IncomingMessage[] = [];
  const hung = createServer((req) => requests.push(req)); // never answers
  hung.listen(0, master.ip);
  await once(hung, 'listening');
  const hungUrl = `http://${master.ip}:${(hung.address() as AddressInfo).port}`;
  const path = join(dir, 'aborted.zip');
  const writer = new ZipFileWriter(path);
  const controller = new AbortController();
  try {
    const content = nodeBundleContent(
      contentOptions(master, { endpoints: () => ({ ...master.endpoints, mesos: hungUrl }), collectorTimeoutMs: 600_000, httpTimeoutMs: 600_000, concurrency: 2 }),
    );
    const written = content.write(writer, controller.signal);
    await eventually('the hung endpoint asked', () => (requests.length > 0 ? true : undefined));
    const requestClosed = once(requests[0]!.socket, 'close');
    controller.abort(new Error('cancelled by the test'));
    await writer.abort();
    const errors = await written;
    assert.match(errors.at(-1)!, /^bundle: stopped before every collector finished \(cancelled by the test\)$/);
    await requestClosed; // the GET itself was cancelled, not left hanging
    await assert.rejects(writer.add('late', 'x'));
  } finally {
    hung.closeAllConnections();
    hung.close();
  }
});
