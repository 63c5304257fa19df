// The cluster level of the v2 bundle API over HTTP: a master's coordinator and two node servers with real zips;
// a third node is unreachable. The bundle is Done, `unzip -l` shows one `<ip>_<role>/` folder per reachable node
// plus report.json and summaryReport.txt; report.json names the unreachable node Failed; no node bundle is left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleSink, NodeBundleContent } from '../../diagnostics/bundles/bundle-content.ts';
import { BundleJobs } from '../../diagnostics/bundles/bundle-jobs.ts';
import { BundleStore, type Bundle } from '../../diagnostics/bundles/bundle-store.ts';
import { ClusterBundleCoordinator } from '../../diagnostics/bundles/cluster-bundle-coordinator.ts';
import type { ClusterNodeRef } from '../../diagnostics/cluster/cluster-node.ts';
import { systemTime } from '../../runtime/time/system-time.ts';
import { eventually } from '../support/minidc-cli.ts';
import { startBundleCluster, zipNames, type BundleCluster } from './bundle-test-support.ts';

const content = (ip: string): NodeBundleContent => ({
  async write(sink: BundleSink) {
    await sink.add('dcos-diagnostics-health.json', JSON.stringify({ ip }));
    await sink.add('journal/dcos-mesos-master.service', 'x'.repeat(50_000));
    return [];
  },
});

let cluster: BundleCluster;
let dir: string;
let master = '';
let urls: Map<string, string>;
let stores: Map<string, BundleStore>;
const nodes: ClusterNodeRef[] = [
  { ip: '127.0.0.1', role: 'master', mesosId: 'm1', leader: true },
  { ip: '127.0.0.2', role: 'agent', mesosId: 'a1', leader: false },
  { ip: '127.0.0.3', role: 'agent_public', mesosId: 'p1', leader: false },
];

before(async () => {
  // 127.0.0.3 has no server: its node bundle fails.
  cluster = await startBundleCluster({ prefix: 'minidc-bundles-cluster-', nodes, content: (n) => (n.ip === '127.0.0.3' ? undefined : content(n.ip)) });
  ({ dir, urls, stores } = cluster);
  master = `${urls.get('127.0.0.1')}/system/health/v1/diagnostics`;
});
after(() => cluster.close());

async function json<T>(url: string, method = 'GET', status = 200, body?: string): Promise<T> {
  const res = await fetch(url, { method, signal: AbortSignal.timeout(10_000), ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
  const text = await res.text();
  assert.equal(res.status, status, `${method} ${url}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

test('cluster bundle: Done with <ip>_<role>/ per node, report.json naming the unreachable node Failed, node bundles gone', async () => {
  const created = await json<Bundle>(`${master}/c1`, 'PUT');
  assert.equal(created.type, 'Cluster');
  assert.equal(created.status, 'Started');
  const finished = await eventually('cluster bundle done', async () => {
    const b = await json<Bundle>(`${master}/c1`);
    return b.status === 'Done' || b.status === 'Failed' ? b : undefined;
  });
  assert.equal(finished.status, 'Done');
  const zip = join(dir, 'c1.zip');
  const res = await fetch(`${master}/c1/file`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200);
  await writeFile(zip, Buffer.from(await res.arrayBuffer()));
  assert.match(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' }), /No errors detected/);
  assert.deepEqual(zipNames(zip), [
    '127.0.0.1_master/dcos-diagnostics-health.json',
    '127.0.0.1_master/journal/dcos-mesos-master.service',
    '127.0.0.2_agent/dcos-diagnostics-health.json',
    '127.0.0.2_agent/journal/dcos-mesos-master.service',
    'report.json',
    'summaryErrorsReport.txt',
    'summaryReport.txt',
  ]);
  assert.equal(execFileSync('unzip', ['-p', zip, '127.0.0.2_agent/dcos-diagnostics-health.json'], { encoding: 'utf8' }), '{"ip":"127.0.0.2"}');
  const report = JSON.parse(execFileSync('unzip', ['-p', zip, 'report.json'], { encoding: 'utf8' })) as {
    id: string;
    nodes: Record<string, { status: string; error?: string }>;
  };
  assert.equal(report.id, 'c1');
  assert.deepEqual(report.nodes['127.0.0.1'], { status: 'Done' });
  assert.deepEqual(report.nodes['127.0.0.2'], { status: 'Done' });
  assert.equal(report.nodes['127.0.0.3']!.status, 'Failed');
  assert.match(report.nodes['127.0.0.3']!.error!, /^PUT http:\/\/127\.0\.0\.3:1\/\S+: bad port$/);
  const summary = execFileSync('unzip', ['-p', zip, 'summaryReport.txt'], { encoding: 'utf8' });
  assert.ok(summary.startsWith('Unhealthy units: none (3 nodes)\n'), summary);
  assert.match(summary, /\[START collecting logs 127\.0\.0\.2\] <nil> \n/);
  // Node bundles (under the cluster bundle's id) were deleted after the merge; the cluster list shows only its own.
  for (const ip of ['127.0.0.1', '127.0.0.2']) {
    const nodeBundles = await stores.get(ip)!.list();
    assert.deepEqual(nodeBundles.map((b) => `${b.id}:${b.status}`), ['c1:Deleted'], ip);
  }
  const masterBundles = (await json<Bundle[]>(master)).map((b) => `${b.type}:${b.status}`);
  assert.deepEqual(masterBundles, ['Cluster:Done']);

  assert.equal(await json(`${master}/c1`, 'DELETE'), undefined);
  assert.deepEqual(await json(`${master}/c1/file`, 'GET', 410), { code: 410, error: 'bundle c1 was Deleted' });
  assert.deepEqual(await json(`${master}/nope`, 'GET', 404), { code: 404, error: 'bundle nope did not exist on any masters' });
  assert.deepEqual(await json(`${master}/nope`, 'DELETE', 404), { code: 404, error: 'bundle nope not found on any master' });
});

test('cluster bundle of one node by selector; an unknown selector is 503; a bad body is 400 {code,error}', async () => {
  await json(`${master}/c2`, 'PUT', 200, JSON.stringify({ nodes: ['a1'] }));
  await eventually('c2 done', async () => ((await json<Bundle>(`${master}/c2`)).status === 'Done' ? true : undefined));
  const res = await fetch(`${master}/c2/file`, { signal: AbortSignal.timeout(10_000) });
  const zip = join(dir, 'c2.zip');
  await writeFile(zip, Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(zipNames(zip), ['127.0.0.2_agent/dcos-diagnostics-health.json', '127.0.0.2_agent/journal/dcos-mesos-master.service', 'report.json', 'summaryReport.txt']);
  assert.deepEqual(await json(`${master}/c3`, 'PUT', 503, JSON.stringify({ nodes: ['10.9.9.9'] })), { code: 503, error: 'requested nodes: [10.9.9.9] not found' });
  const bad = await json<{ code: number; error: string }>(`${master}/c4`, 'PUT', 400, '{"masters": "yes"');
  assert.equal(bad.code, 400);
  assert.match(bad.error, /^could not parse request body/);
});

test('a node zip over the size cap fails that node only, and nothing of it stays on the master', async () => {
  const jobs = new BundleJobs({ store: new BundleStore({ dir: join(dir, 'capped'), clock: systemTime }) });
  const coordinator = new ClusterBundleCoordinator({
    jobs,
    discovery: { nodes: async () => nodes.slice(0, 2) },
    nodeUrl: (n) => urls.get(n.ip),
    diagnosis: async () => 'capped',
    clock: systemTime,
    pollIntervalMs: 50,
    maxNodeBundleBytes: 100,
  });
  await coordinator.start('capped1', { nodes: ['a1'] });
  const done = await eventually('capped1 ended', async () => {
    const b = await jobs.store.get('capped1');
    return b?.status === 'Done' || b?.status === 'Failed' ? b : undefined;
  });
  assert.equal(done.status, 'Done');
  assert.deepEqual(done.errors?.length, 1);
  assert.match(done.errors![0]!, /^127\.0\.0\.2: GET .*\/file: the node bundle is larger than 100 bytes$/);
  const zip = jobs.store.zipPath('capped1');
  const report = JSON.parse(execFileSync('unzip', ['-p', zip, 'report.json'], { encoding: 'utf8' })) as { nodes: Record<string, { status: string }> };
  assert.equal(report.nodes['127.0.0.2']!.status, 'Failed');
  assert.deepEqual(readdirSync(jobs.store.bundleDir('capped1')).sort(), ['file.zip', 'state.json']);
});
