// The summaryReport.txt diagnosis against an embedded cluster started in-process with the app's node services,
// read only over HTTP (the master's health report, the Mesos master, Marathon, each node's metrics): healthy → no
// problems; a stopped unit named with its journal lines; an agent whose agent unit is stopped is not active; an
// unreachable node; an app whose command exits 1 at once is a crash loop; a 0% disk threshold reports every disk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SERVICES } from '../../app/node-services.ts';
import { Cluster, type ClusterNode } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import type { ClusterReport } from '../../diagnostics/cluster/cluster-report.ts';
import { clusterDiagnosis, diagnosisText, type ClusterDiagnosisOptions } from '../../diagnostics/bundles/diagnosis/cluster-diagnosis.ts';
import type { Diagnosis, Finding } from '../../diagnostics/bundles/diagnosis/diagnosis.ts';
import { goTimeString } from '../../diagnostics/health/journal-lines.ts';
import { eventually } from '../support/minidc-cli.ts';

let dir: string;
let cluster: Cluster;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-diagnosis-'));
  const configFile = join(dir, 'config.json');
  // Pulls only when asked (?cache=0), so each diagnosis reads the state the test just made.
  await writeFile(configFile, JSON.stringify({ sample_app: false, diagnostics_pull_interval: '1hrs' }));
  const config = loadClusterConfig({ config: configFile, dataDir: join(dir, 'data'), ports: 'ephemeral', agents: '1', publicAgents: '1' });
  cluster = new Cluster(config, NODE_SERVICES);
  await cluster.start();
});
after(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

const nodeOf = (role: string): ClusterNode => cluster.nodes.find((n) => n.role === role)!;
const master = () => nodeOf('master');

/** Every source read as an operator's bundle job would: the master's fresh report and the public APIs. */
function sources(extra: Partial<ClusterDiagnosisOptions> = {}): ClusterDiagnosisOptions {
  return {
    report: async () => {
      const response = await fetch(`${master().endpoints.diagnostics}/system/health/v1/report?cache=0`, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`report: HTTP ${response.status}`);
      return (await response.json()) as ClusterReport;
    },
    mesosUrl: master().endpoints.mesos,
    marathonUrl: master().endpoints.marathon,
    metricsUrl: (n) => {
      const metrics = cluster.nodes.find((c) => c.ip === n.ip)?.endpoints.metrics;
      return metrics === undefined ? undefined : `${metrics}/metrics`;
    },
    ...extra,
  };
}

async function findingWhere(what: string, match: (f: Finding) => boolean, extra: Partial<ClusterDiagnosisOptions> = {}): Promise<{ d: Diagnosis; f: Finding }> {
  return eventually(what, async () => {
    const d = await clusterDiagnosis(sources(extra));
    const f = d.findings.find(match);
    return f === undefined ? undefined : { d, f };
  });
}

test('a healthy cluster: no problems found', async () => {
  const text = await eventually('a diagnosis with no findings', async () => {
    const t = await diagnosisText(sources());
    return t.startsWith('No problems found\n') ? t : undefined;
  });
  assert.match(text, /^No problems found\nDiagnosis at \d{4}-\d\d-\d\dT[\d:.]+Z\.\n$/);
});

test('a stopped unit on an agent: the node, the unit, why, and its last journal lines', async () => {
  const agent = nodeOf('agent');
  const unit = agent.units.get('dcos-minuteman.service')!;
  await unit.stop();
  try {
    const { d, f } = await findingWhere('the stopped unit', (x) => x.unit === 'dcos-minuteman.service');
    const last = (await agent.units.reader().readJournal('dcos-minuteman.service', { tail: 1 })).entries[0]!;
    assert.deepEqual(f.node, { ip: agent.ip, role: 'agent' });
    assert.equal(f.severity, 'error');
    assert.equal(f.what, 'dcos-minuteman.service is unhealthy');
    assert.equal(f.why, 'Unit dcos-minuteman.service is dead');
    assert.equal(f.evidence.at(-1), `${goTimeString(last.timestamp)} ${last.message}`);
    const text = await diagnosisText(sources());
    assert.match(text, /^1 problem found \(1 error\)\n/);
    assert.ok(text.includes(`== ${agent.ip} (agent) ==\n[ERROR] dcos-minuteman.service is unhealthy\n`), text);
    assert.ok(text.includes(`  where: ${agent.ip} (agent), unit dcos-minuteman.service\n  why:   Unit dcos-minuteman.service is dead\n`), text);
    assert.ok(text.includes(`\n    ${goTimeString(last.timestamp)} ${last.message}\n`), text);
    assert.equal(d.findings.length, 1, JSON.stringify(d.findings));
  } finally {
    await unit.start();
  }
});

test('an agent whose agent unit is stopped is not active; an agent whose diagnostics is stopped is unreachable', async () => {
  const agent = nodeOf('agent');
  const slave = agent.units.get('dcos-mesos-slave.service')!;
  await slave.stop();
  try {
    const { d, f } = await findingWhere('the inactive agent', (x) => x.what === `agent ${agent.id} is not active`);
    assert.equal(f.severity, 'critical');
    assert.deepEqual(f.node, { ip: agent.ip, role: 'agent' });
    assert.ok(d.findings.some((x) => x.unit === 'dcos-mesos-slave.service' && x.node?.ip === agent.ip));
  } finally {
    await slave.start();
  }
  await eventually('the agent active again', async () =>
    (await clusterDiagnosis(sources())).findings.some((x) => x.node?.ip === agent.ip) ? undefined : true,
  );

  const diagnostics = agent.units.get('dcos-diagnostics.service')!;
  await diagnostics.stop();
  try {
    const { f } = await findingWhere('the unreachable node', (x) => x.what === `node ${agent.ip} is unreachable`);
    assert.equal(f.severity, 'critical');
    assert.deepEqual(f.evidence, [`Mesos agent id ${agent.id}`]);
  } finally {
    await diagnostics.start();
  }
});

test('an app whose command exits 1 at once is named as crash-looping, with the exit status', async () => {
  const marathon = master().endpoints.marathon!;
  const created = await fetch(`${marathon}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: '/crashy', cmd: 'exit 1', instances: 1, cpus: 0.1, mem: 32, backoffSeconds: 1, backoffFactor: 1 }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(created.status, 201);
  try {
    const { f } = await findingWhere('the crash loop', (x) => x.what.startsWith('app /crashy is crash-looping'));
    assert.equal(f.severity, 'critical');
    assert.match(f.what, /^app \/crashy is crash-looping: \d+ tasks failed in the last 10 min$/);
    assert.match(f.why, /^last failure TASK_FAILED on 127\.\d+\.\d+\.\d+: Command exited with status 1$/);
    assert.ok(f.evidence.length >= 3);
    for (const line of f.evidence) assert.match(line, /^\S+Z TASK_FAILED crashy\.\S+ on 127\.\d+\.\d+\.\d+ \(\S+-S\d+\)$/);
    const text = await diagnosisText(sources());
    assert.match(text, /\[CRITICAL\] app \/crashy is crash-looping/);
  } finally {
    await fetch(`${marathon}/v2/apps/crashy?force=true`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  }
});

test('a disk threshold of 0%: every node filesystem and every agent disk is nearly full', async () => {
  const d = await clusterDiagnosis(sources({ diskFullRatio: 0 }));
  const nearlyFull = d.findings.filter((f) => f.severity === 'warning');
  const filesystems = nearlyFull.filter((f) => f.what.startsWith('filesystem nearly full'));
  assert.deepEqual(filesystems.map((f) => f.node?.ip).sort(), cluster.nodes.map((n) => n.ip).sort());
  for (const f of filesystems) {
    assert.match(f.what, /^filesystem nearly full: \d+\.\d% used \(threshold 0%\)$/);
    assert.match(f.evidence[0]!, /^minidc_host_disk_used_bytes \d+ of minidc_host_disk_total_bytes \d+ \(\d+\.\d GiB free\)$/);
  }
  const agents = nearlyFull.filter((f) => f.what.startsWith('disk resources nearly all allocated'));
  assert.deepEqual(agents.map((f) => f.node?.ip).sort(), cluster.nodes.filter((n) => n.role !== 'master').map((n) => n.ip).sort());
});
