/**
 * The embedded cluster end to end: a real master, agents running real processes and Marathon, driven and observed
 * only through their HTTP surfaces (and the unit registry, as an operator's systemctl would).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import { deploySampleApp } from '../../runtime/cluster/sample-app.ts';
import { eventually } from '../support/minidc-cli.ts';

interface MesosTask {
  id: string;
  name: string;
  state: string;
  slave_id: string;
  resources: { ports?: string };
  statuses: { state: string; container_status: { executor_pid?: number; network_infos: { ip_addresses: { ip_address: string }[] }[] } }[];
}
interface MesosState {
  id: string;
  slaves: { id: string; hostname: string }[];
  frameworks: { id: string; name: string; tasks: MesosTask[]; unreachable_tasks: MesosTask[]; completed_tasks: MesosTask[] }[];
}

const execFileAsync = promisify(execFile);

let dir: string;
let cluster: Cluster;
let mesos: string;
let marathon: string;

function configFor(dataDir: string) {
  return loadClusterConfig({ dataDir, ports: 'ephemeral', sample: true, agents: '3', publicAgents: '1' });
}

async function boot(): Promise<void> {
  const config = configFor(dir);
  config.agentPingTimeoutMs = 200;
  config.maxAgentPingTimeouts = 3;
  config.allocationIntervalMs = 100;
  cluster = new Cluster(config);
  await cluster.start();
  await deploySampleApp(cluster, () => {});
  const master = cluster.nodes.find((n) => n.role === 'master')!;
  mesos = master.endpoints.mesos!;
  marathon = master.endpoints.marathon!;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-'));
  await boot();
});
after(async () => {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
});

async function state(): Promise<MesosState> {
  const res = await fetch(`${mesos}/master/state`);
  assert.equal(res.status, 200);
  return (await res.json()) as MesosState;
}

function marathonTasks(s: MesosState): MesosTask[] {
  return s.frameworks.find((f) => f.name === 'marathon')?.tasks ?? [];
}

/** Running tasks of one app (Marathon names tasks after the app id). */
async function running(name: string, n: number): Promise<MesosTask[]> {
  return eventually(`${n} running '${name}' tasks`, async () => {
    const tasks = marathonTasks(await state()).filter((t) => t.name === name && t.state === 'TASK_RUNNING');
    return tasks.length === n ? tasks : undefined;
  });
}

/** Alive and not a zombie (this machine's PID 1 does not reap orphans, so killed processes can linger as Z). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function post(app: object): Promise<Response> {
  return fetch(`${marathon}/v2/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(app) });
}

const webApp = (id: string, instances: number, extra: object = {}) => ({
  id,
  cmd: `exec '${process.execPath}' -e "require('http').createServer((q,s)=>s.end('ok')).listen(+process.env.PORT0, process.env.HOST)"`,
  instances,
  cpus: 0.05,
  mem: 32,
  backoffSeconds: 1,
  portDefinitions: [{ port: 0, name: 'http' }],
  ...extra,
});

test('the sample app runs three real processes that answer on their host ports', async () => {
  const tasks = await running('sample', 3);
  for (const t of tasks) {
    const last = t.statuses.at(-1)!;
    const pid = last.container_status.executor_pid!;
    assert.ok(isAlive(pid), `task ${t.id} process ${pid} is alive`);
    const ip = last.container_status.network_infos[0]!.ip_addresses[0]!.ip_address;
    const port = Number(/\[(\d+)-/.exec(t.resources.ports!)![1]);
    const body = await eventually('sample answers', async () => {
      const r = await fetch(`http://${ip}:${port}/`);
      return r.ok ? ((await r.json()) as { task: string }) : undefined;
    });
    assert.equal(body.task, t.id);
  }
});

test('HTTP through the sample app\'s VIP spreads over its instances and survives losing one', async () => {
  const tasks = await running('sample', 3);
  const master = cluster.nodes.find((n) => n.role === 'master')!;
  const vipKey = await eventually('the /sample VIP listening', async () => {
    const view = (await (await fetch(`${master.endpoints.l4lb}/vips`)).json()) as {
      vips: Record<string, { name: string | null; listener: { state: string }; backends: Record<string, unknown> }>;
    };
    const entry = Object.entries(view.vips).find(
      ([, v]) => v.name === 'sample.marathon.l4lb.thisdcos.directory' && v.listener.state === 'listening' && Object.keys(v.backends).length === 3,
    );
    return entry?.[0];
  }, 90_000); // the VIP table follows Marathon's tasks through two polls; a loaded box takes longer than 30 s
  const [ip, port] = vipKey.split(':');
  assert.match(ip!, /^127\.11\.0\.\d+$/, 'named VIPs take master-node addresses from 127.11.0.0/24');
  assert.equal(port, '8000');
  // The first request waits for the listener and backends to settle; then every request must succeed.
  await eventually('an answer through the VIP', async () => ((await fetch(`http://${vipKey}/`)).ok ? true : undefined));
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const r = await fetch(`http://${vipKey}/`, { headers: { connection: 'close' } });
    seen.add(((await r.json()) as { task: string }).task);
  }
  assert.ok(seen.size >= 2, `requests spread over instances (saw ${seen.size})`);
  for (const t of seen) assert.ok(tasks.some((x) => x.id === t));
  // Lose one instance: once its task has ended, requests keep succeeding (the VIP drops the backend; a connection
  // refused by a dead or not-yet-listening backend is retried on another one). A request racing the kill itself
  // is not covered: the dying process group can accept it and then be killed, as behind any L4 proxy.
  const victim = tasks[0]!;
  process.kill(victim.statuses.at(-1)!.container_status.executor_pid!, 'SIGKILL');
  await eventually('the killed task ended', async () => {
    const fw = (await state()).frameworks.find((f) => f.name === 'marathon')!;
    return fw.completed_tasks.some((t) => t.id === victim.id) ? true : undefined;
  });
  for (let i = 0; i < 20; i++) {
    const r = await fetch(`http://${vipKey}/`, { headers: { connection: 'close' } });
    assert.equal(r.status, 200);
  }
  await running('sample', 3);
});

test('DNS through a node\'s forwarder: Mesos-DNS names for tasks and the leader, VIP names, ready.spartan', async () => {
  const tasks = await running('sample', 3);
  const agentIps = new Set(tasks.map((t) => t.statuses.at(-1)!.container_status.network_infos[0]!.ip_addresses[0]!.ip_address));
  const node = cluster.nodes.find((n) => n.role === 'agent')!;
  const [host, port] = node.endpoints.dns_forwarder!.split(':');
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([`${host}:${port}`]);
  const a = await eventually('sample.marathon.mesos', async () => {
    const ips = await resolver.resolve4('sample.marathon.mesos');
    return ips.length === agentIps.size ? ips : undefined;
  });
  assert.deepEqual(new Set(a), agentIps);
  assert.deepEqual(await resolver.resolve4('LEADER.mesos'), ['127.0.1.1']);
  const ports = tasks.map((t) => Number(/\[(\d+)-/.exec(t.resources.ports!)![1])).sort();
  await eventually('SRV records of the three tasks', async () => {
    const srv = await resolver.resolveSrv('_sample._tcp.marathon.mesos');
    return JSON.stringify(srv.map((r) => r.port).sort()) === JSON.stringify(ports) ? srv : undefined;
  });
  // The VIP name resolves (on this node) to the address its own VIP layer serves.
  const vip = await eventually('the VIP name', async () => (await resolver.resolve4('sample.marathon.l4lb.thisdcos.directory'))[0]);
  const view = (await (await fetch(`${node.endpoints.l4lb}/vips`)).json()) as { vips: Record<string, unknown> };
  assert.ok(Object.keys(view.vips).includes(`${vip}:8000`));
  assert.deepEqual(await resolver.resolve4('ready.spartan'), ['127.0.0.1']);
  // dig runs as its own process (asynchronously: the cluster answering it lives in this process).
  const dig = await execFileAsync('dig', ['+short', `@${host}`, '-p', port!, 'sample.marathon.mesos'], { timeout: 10_000 });
  assert.deepEqual(new Set(dig.stdout.trim().split('\n')), agentIps);
  await assert.rejects(resolver.resolve4('no-such-app.marathon.mesos'), { code: 'ENOTFOUND' });
  const metrics = (await (await fetch(`${node.endpoints.dns_forwarder_api}/v1/metrics`)).json()) as Record<string, number>;
  assert.ok(metrics['dns/requests/mesos/NOERROR']! >= 1, 'answers for the mesos zone are counted');
  assert.ok(metrics['dns/requests/mesos/NXDOMAIN']! >= 1, 'NXDOMAIN answers are counted');
  assert.ok(metrics['dns/request_duration_ms/count']! >= 5);
});

test('Marathon API: 422 for bad JSON, 409 for a duplicate id, 404 for an unknown app', async () => {
  const bad = await post({ id: '/bad', instances: -1 });
  assert.equal(bad.status, 422);
  const body = (await bad.json()) as { message: string; details: { path: string; errors: string[] }[] };
  assert.equal(body.message, 'Object is not valid');
  assert.ok(body.details.some((d) => d.path === '/instances'));
  assert.equal((await post(webApp('/sample', 1))).status, 409);
  const missing = await fetch(`${marathon}/v2/apps/nope`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { message: string }).message, /nope/);
});

test('a killed task process is relaunched', async () => {
  assert.equal((await post(webApp('/web', 2))).status, 201);
  const before = await running('web', 2);
  const victim = before[0]!;
  process.kill(victim.statuses.at(-1)!.container_status.executor_pid!, 'SIGKILL');
  const after = await eventually('a replacement', async () => {
    const tasks = await running('web', 2);
    return tasks.some((t) => t.id === victim.id) ? undefined : tasks;
  });
  assert.equal(after.length, 2);
  const s = await state();
  const failed = s.frameworks.find((f) => f.name === 'marathon')!.completed_tasks.find((t) => t.id === victim.id);
  assert.equal(failed?.state, 'TASK_FAILED');
});

test('a task failing its health check is killed and replaced', async () => {
  // The check probes a port nothing listens on, so every probe fails.
  const app = webApp('/sick', 1, {
    healthChecks: [{ protocol: 'TCP', port: 1, gracePeriodSeconds: 1, intervalSeconds: 2, timeoutSeconds: 1, maxConsecutiveFailures: 1 }],
  });
  assert.equal((await post(app)).status, 201);
  const [first] = await running('sick', 1);
  await eventually('the sick task killed', async () => {
    const s = await state();
    const done = s.frameworks.find((f) => f.name === 'marathon')!.completed_tasks.find((t) => t.id === first!.id);
    return done?.state === 'TASK_KILLED' ? done : undefined;
  });
  await eventually('a replacement launched', async () => {
    const tasks = marathonTasks(await state()).filter((t) => t.name === 'sick' && t.id !== first!.id);
    return tasks.length > 0 ? tasks : undefined;
  });
  assert.equal((await fetch(`${marathon}/v2/apps/sick?force=true`, { method: "DELETE" })).status, 200);
});

test('a stopped agent: its tasks become unreachable and are replaced on other agents', async () => {
  const tasks = await running('web', 2);
  const agentId = tasks[0]!.slave_id;
  const node = cluster.nodes.find((n) => n.id === agentId)!;
  const unit = node.units.get('dcos-mesos-slave.service')!;
  const onAgent = tasks.filter((t) => t.slave_id === agentId).map((t) => t.id);
  await unit.stop();
  const s = await eventually('tasks unreachable', async () => {
    const st = await state();
    const fw = st.frameworks.find((f) => f.name === 'marathon')!;
    const lostOnes = [...fw.unreachable_tasks, ...fw.completed_tasks].filter((t) => onAgent.includes(t.id));
    return lostOnes.length === onAgent.length ? st : undefined;
  });
  assert.ok(!s.slaves.some((a) => a.id === agentId), 'the unreachable agent is not listed as registered');
  const replaced = await eventually('replacements elsewhere', async () => {
    const now = await running('web', 2);
    return now.every((t) => t.slave_id !== agentId) ? now : undefined;
  });
  assert.equal(replaced.length, 2);
  await unit.start();
  // Back again, Marathon kills what it already replaced: still two instances.
  await eventually('the agent re-registered', async () => ((await state()).slaves.some((a) => a.id === agentId) ? true : undefined));
  await running('web', 2);
});

test('restarting minidc recovers the registrar state and the apps', async () => {
  const before = await state();
  const agentIds = before.slaves.map((a) => a.id).sort();
  const frameworkId = before.frameworks.find((f) => f.name === 'marathon')!.id;
  await cluster.stop();
  await boot();
  const s = await eventually('agents back', async () => {
    const st = await state();
    return st.slaves.length === agentIds.length ? st : undefined;
  });
  assert.notEqual(s.id, before.id, 'a new master');
  assert.deepEqual(s.slaves.map((a) => a.id).sort(), agentIds, 'agents re-registered with their ids');
  assert.equal(s.frameworks.find((f) => f.name === 'marathon')?.id, frameworkId, 'Marathon kept its framework id');
  await running('web', 2).catch(async (err) => {
    const st = await state();
    console.error(JSON.stringify(st.frameworks.map((f) => [f.name, f.tasks.map((t) => [t.name, t.state, t.slave_id])])));
    console.error(await (await fetch(`${marathon}/v2/apps`)).text());
    throw err;
  });
  await running('sample', 3);
});
