// The diagnosis without a cluster: renderDiagnosis's verdict, grouping, ordering, wrapping and evidence
// truncation on hand-built findings; sources that cannot be read become findings; one node's own health; task
// statuses grouped by app into failures and crash loops within the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clusterDiagnosis, nodeDiagnosis } from '../../diagnostics/bundles/diagnosis/cluster-diagnosis.ts';
import type { Diagnosis, Finding } from '../../diagnostics/bundles/diagnosis/diagnosis.ts';
import { renderDiagnosis } from '../../diagnostics/bundles/diagnosis/render-diagnosis.ts';
import { taskFindings } from '../../diagnostics/bundles/diagnosis/task-findings.ts';
import { splitOutput, unitFindings } from '../../diagnostics/bundles/diagnosis/unit-findings.ts';

const AT = Date.UTC(2026, 11, 7, 4, 0, 0);
const finding = (f: Partial<Finding> & Pick<Finding, 'severity' | 'what'>): Finding => ({ why: 'because', evidence: [], ...f });

test('no findings: the verdict alone', () => {
  assert.equal(renderDiagnosis({ checkedAt: AT, findings: [] }), 'No problems found\nDiagnosis at 2026-12-07T04:00:00.000Z.\n');
});

test('grouped by node, the most severe group first, cluster-wide first on a tie, then address order', () => {
  const d: Diagnosis = {
    checkedAt: AT,
    findings: [
      finding({ severity: 'warning', node: { ip: '127.0.1.1', role: 'master' }, what: 'filesystem nearly full' }),
      finding({ severity: 'error', node: { ip: '127.0.2.10', role: 'agent' }, unit: 'dcos-spartan.service', what: 'b is unhealthy' }),
      finding({ severity: 'error', node: { ip: '127.0.2.10', role: 'agent' }, unit: 'dcos-minuteman.service', what: 'a is unhealthy' }),
      finding({ severity: 'critical', node: { ip: '127.0.2.10', role: 'agent' }, what: 'agent S1 is not active' }),
      finding({ severity: 'critical', node: { ip: '127.0.2.9', role: 'agent' }, what: 'node 127.0.2.9 is unreachable' }),
      finding({ severity: 'critical', what: 'app /x is crash-looping' }),
      finding({ severity: 'error', what: 'could not read /master/tasks', why: 'GET http://m/master/tasks: ECONNREFUSED' }),
    ],
  };
  assert.equal(
    renderDiagnosis(d),
    [
      '7 problems found (3 critical, 3 error, 1 warning)',
      'Diagnosis at 2026-12-07T04:00:00.000Z.',
      '',
      '== cluster-wide ==',
      '[CRITICAL] app /x is crash-looping',
      '  where: cluster-wide',
      '  why:   because',
      '[ERROR] could not read /master/tasks',
      '  where: cluster-wide',
      '  why:   GET http://m/master/tasks: ECONNREFUSED',
      '',
      '== 127.0.2.9 (agent) ==',
      '[CRITICAL] node 127.0.2.9 is unreachable',
      '  where: 127.0.2.9 (agent)',
      '  why:   because',
      '',
      '== 127.0.2.10 (agent) ==',
      '[CRITICAL] agent S1 is not active',
      '  where: 127.0.2.10 (agent)',
      '  why:   because',
      '[ERROR] a is unhealthy',
      '  where: 127.0.2.10 (agent), unit dcos-minuteman.service',
      '  why:   because',
      '[ERROR] b is unhealthy',
      '  where: 127.0.2.10 (agent), unit dcos-spartan.service',
      '  why:   because',
      '',
      '== 127.0.1.1 (master) ==',
      '[WARNING] filesystem nearly full',
      '  where: 127.0.1.1 (master)',
      '  why:   because',
      '',
    ].join('\n'),
  );
  // The same findings in another order render the same text.
  assert.equal(renderDiagnosis({ ...d, findings: [...d.findings].reverse() }), renderDiagnosis(d));
});

test('evidence: the last 20 lines, each cut at 120 characters; a long why wrapped under itself', () => {
  const evidence = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);
  evidence[49] = `line 50 ${'x'.repeat(200)}`;
  const why = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
  const text = renderDiagnosis({
    checkedAt: AT,
    findings: [finding({ severity: 'error', node: { ip: '127.0.2.1', role: 'agent' }, unit: 'u.service', what: 'u.service is unhealthy', why, evidence })],
  });
  const lines = text.split('\n');
  assert.ok(lines.every((l) => l.length <= 120), text);
  const at = lines.indexOf('  evidence (last 20 of 50 lines):');
  assert.ok(at > 0, text);
  assert.deepEqual(lines.slice(at + 1, at + 20), Array.from({ length: 19 }, (_, i) => `    line ${i + 31}`));
  assert.equal(lines[at + 20], `    line 50 ${'x'.repeat(120 - 13)}…`);
  const whyLines = lines.slice(lines.findIndex((l) => l.startsWith('  why:   ')), at);
  assert.ok(whyLines.length >= 2, text);
  assert.ok(whyLines.slice(1).every((l) => l.startsWith('         word')), text);
  assert.equal(whyLines.map((l) => l.trim().replace(/^why:\s+/, '')).join(' '), why);
});

test('a unit output: probe and rule texts are the why, journal lines the evidence', () => {
  const output =
    'Liveness probe failed: ready.spartan at 127.0.2.1:53: ETIMEOUT\nLiveness probe failed: GET http://x/vips: ECONNREFUSED\n' +
    '2026-12-07 03:59:58.1 +0000 UTC started\n2026-12-07 03:59:59 +0000 UTC serving\n';
  assert.deepEqual(splitOutput(output), {
    why: 'Liveness probe failed: ready.spartan at 127.0.2.1:53: ETIMEOUT; Liveness probe failed: GET http://x/vips: ECONNREFUSED',
    evidence: ['2026-12-07 03:59:58.1 +0000 UTC started', '2026-12-07 03:59:59 +0000 UTC serving'],
  });
});

test("a unit that fails to start: the why carries its last failure's reason, whole, however long", () => {
  const unit = 'dcos-minuteman.service';
  const reason = `invalid config /tmp/${'d'.repeat(80)}/etc/minuteman.json: 'workers' must be a whole number from 0 to 8, got 99`;
  const output =
    `ExecMainStatus return failed status for ${unit}\n` +
    `2026-12-07 03:59:57 +0000 UTC ${unit} failed with exit status 1: an older reason\n` +
    `2026-12-07 03:59:58 +0000 UTC ${unit} failed with exit status 1: ${reason}\n` +
    `2026-12-07 03:59:59 +0000 UTC ${unit}: Scheduled restart job, restart counter is at 3.\n`;
  const node = { Leader: true, Role: 'master', IP: '127.0.1.1', Host: '127.0.1.1', Health: 1, MesosID: '', Output: { [unit]: output } };
  const units = [{ UnitName: unit, Health: 1, Title: 't', Timestamp: '', PrettyName: 'p' }];
  const [f] = unitFindings({ Units: null, Nodes: { '127.0.1.1': { ...node, Units: units } }, UpdatedTime: '' });
  assert.equal(f!.why, `ExecMainStatus return failed status for ${unit}; last failure: exit status 1: ${reason}`);
  const text = renderDiagnosis({ checkedAt: AT, findings: [f!] });
  const lines = text.split('\n');
  const why = lines.slice(lines.findIndex((l) => l.startsWith('  why:   ')), lines.findIndex((l) => l.startsWith('  evidence'))).join(' ');
  assert.ok(why.replace(/\s+/g, ' ').includes(reason), text);
});

test('sources that cannot be read are findings, never exceptions', async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const garbage = createServer((_req, res) => res.end('not json'));
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  t.after(() => garbage.close());

  const d = await clusterDiagnosis({
    report: () => Promise.reject(new Error('the puller is stopped')),
    mesosUrl: `http://127.0.0.1:${port}`,
    marathonUrl: `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`,
    now: () => AT,
  });
  const expected: [string, RegExp][] = [
    ['could not read the cluster health report', /^the puller is stopped$/],
    ['could not read /master/slaves', /^GET http:\/\/127\.0\.0\.1:\d+\/master\/slaves: ECONNREFUSED$/],
    ['could not read /master/frameworks', /^GET http:\/\/127\.0\.0\.1:\d+\/master\/frameworks: ECONNREFUSED$/],
    ['could not read /v2/apps (Marathon)', /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/apps\?embed=apps\.lastTaskFailure: response is not JSON/],
    ['could not read /master/tasks', /^GET http:\/\/127\.0\.0\.1:\d+\/master\/tasks\?limit=\d+&order=des: ECONNREFUSED$/],
  ];
  assert.deepEqual(d.findings.map((f) => [f.severity, f.what]), expected.map(([what]) => ['error', what]));
  d.findings.forEach((f, i) => assert.match(f.why, expected[i]![1]));
  assert.match(renderDiagnosis(d), /^5 problems found \(5 error\)\n/);
});

test("one node's own health: its unhealthy units, nothing asked of a master", async () => {
  const d = await nodeDiagnosis(
    {
      units: [
        { id: 'dcos-spartan.service', health: 1, output: 'Unit dcos-spartan.service is dead\n2026-12-07 03:59:59 +0000 UTC stopping\n', description: 'd', help: '', name: 'n' },
        { id: 'dcos-minuteman.service', health: 0, output: '', description: 'd', help: '', name: 'n' },
      ],
      hostname: '127.0.2.1',
      ip: '127.0.2.1',
      dcos_version: '0.1.0',
      node_role: 'agent',
      mesos_id: 'M-S0',
      dcos_diagnostics_version: '0.1.0',
    },
    { now: () => AT, metricsUrl: () => undefined },
  );
  assert.deepEqual(d, {
    checkedAt: AT,
    findings: [
      {
        severity: 'error',
        node: { ip: '127.0.2.1', role: 'agent' },
        unit: 'dcos-spartan.service',
        what: 'dcos-spartan.service is unhealthy',
        why: 'Unit dcos-spartan.service is dead',
        evidence: ['2026-12-07 03:59:59 +0000 UTC stopping'],
      },
    ],
  });
});

test('tasks: failures per app within the window, a crash loop from 3, losses apart, unrequested kills by Marathon', () => {
  const now = AT / 1000;
  const task = (id: string, state: string, agoSeconds: number, framework = 'F1', name = 'x') => ({
    id,
    name,
    framework_id: framework,
    slave_id: 'M-S0',
    state,
    statuses: [{ state: 'TASK_RUNNING', timestamp: now - agoSeconds - 1 }, { state, timestamp: now - agoSeconds }],
  });
  const body = {
    tasks: [
      task('crashy.a', 'TASK_FAILED', 30),
      task('crashy.b', 'TASK_FAILED', 20),
      task('group_web.instance-1._app.1', 'TASK_KILLED', 10),
      task('crashy.c', 'TASK_ERROR', 10),
      task('crashy.old', 'TASK_FAILED', 3600),
      task('group_web.instance-2._app.1', 'TASK_FAILED', 5),
      task('group_web.instance-3._app.1', 'TASK_KILLED', 5), // Marathon asked for this one: not a failure
      task('sleepy.a', 'TASK_UNREACHABLE', 7200),
      task('sleepy.b', 'TASK_RUNNING', 5),
      task('job-1', 'TASK_FAILED', 1, 'F2', 'nightly'),
    ],
  };
  const names = new Map([
    ['F1', 'marathon'],
    ['F2', 'metronome'],
  ]);
  const failures = new Map([['group_web.instance-1._app.1', { appId: '/group/web', taskId: 'group_web.instance-1._app.1', state: 'TASK_KILLED', message: 'OOM', host: '127.0.2.1' }]]);
  const agents = [{ id: 'M-S0', ip: '127.0.2.1', role: 'agent' as const, active: true, url: undefined, registeredTime: undefined, reregisteredTime: undefined }];
  const findings = taskFindings(body, names, failures, agents, { nowMs: AT, windowMs: 600_000, crashLoopFailures: 3 });
  const iso = (ago: number) => new Date((now - ago) * 1000).toISOString();
  assert.deepEqual(findings, [
    {
      severity: 'critical',
      node: { ip: '127.0.2.1', role: 'agent' },
      what: 'app /crashy is crash-looping: 3 tasks failed in the last 10 min',
      why: 'its tasks ended TASK_ERROR, TASK_FAILED',
      evidence: [
        `${iso(30)} TASK_FAILED crashy.a on 127.0.2.1 (M-S0)`,
        `${iso(20)} TASK_FAILED crashy.b on 127.0.2.1 (M-S0)`,
        `${iso(10)} TASK_ERROR crashy.c on 127.0.2.1 (M-S0)`,
      ],
    },
    {
      severity: 'error',
      node: { ip: '127.0.2.1', role: 'agent' },
      what: 'app /group/web: 2 tasks failed in the last 10 min',
      why: 'last failure TASK_KILLED on 127.0.2.1: OOM',
      evidence: [
        `${iso(10)} TASK_KILLED group_web.instance-1._app.1 on 127.0.2.1 (M-S0)`,
        `${iso(5)} TASK_FAILED group_web.instance-2._app.1 on 127.0.2.1 (M-S0)`,
      ],
    },
    {
      severity: 'error',
      node: { ip: '127.0.2.1', role: 'agent' },
      what: "tasks 'nightly' of framework metronome: 1 task failed in the last 10 min",
      why: 'its tasks ended TASK_FAILED',
      evidence: [`${iso(1)} TASK_FAILED job-1 on 127.0.2.1 (M-S0)`],
    },
    {
      severity: 'error',
      node: { ip: '127.0.2.1', role: 'agent' },
      what: 'app /sleepy: 1 task lost with its agent',
      why: 'agent 127.0.2.1 (M-S0) unreachable or gone: TASK_UNREACHABLE',
      evidence: [`${iso(7200)} TASK_UNREACHABLE sleepy.a on 127.0.2.1 (M-S0)`],
    },
  ]);
});
