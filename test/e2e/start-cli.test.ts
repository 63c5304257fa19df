import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually, minidc, startMinidc } from '../support/minidc-cli.ts';

const execFileAsync = promisify(execFile);

interface EndpointsFile {
  cluster: { id: string; name: string };
  nodes: { id: string; ip: string; role: string; hostname: string; endpoints: Record<string, string> }[];
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'minidc-start-'));
}

async function readEndpoints(dir: string): Promise<EndpointsFile | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'endpoints.json'), 'utf8')) as EndpointsFile;
  } catch {
    return undefined;
  }
}

test('minidc start runs the cluster, writes endpoints.json, and stops cleanly on SIGTERM', async () => {
  const dir = await tempDir();
  const run = startMinidc(['--ports', 'ephemeral', '--data-dir', dir, '--no-sample', '--agents', '2', '--public-agents', '1']);
  try {
    const endpoints = await eventually('endpoints.json', () => readEndpoints(dir));
    assert.match(endpoints.cluster.id, /^[0-9a-f-]{36}$/);
    assert.equal(endpoints.cluster.name, 'minidc');
    assert.deepEqual(
      endpoints.nodes.map((n) => [n.ip, n.role]),
      [
        ['127.0.1.1', 'master'],
        ['127.0.2.1', 'agent'],
        ['127.0.2.2', 'agent'],
        ['127.0.3.1', 'agent_public'],
      ],
    );
    const master = endpoints.nodes[0]!;
    assert.ok(master.endpoints.mesos && master.endpoints.marathon, 'master lists mesos and marathon');
    assert.match(master.endpoints.dns!, /^127\.0\.1\.1:\d+$/);
    assert.match(master.endpoints.mesos_dns!, /^http:\/\/127\.0\.1\.1:\d+$/);
    for (const node of endpoints.nodes) {
      assert.match(node.endpoints.dns_forwarder!, new RegExp(`^${node.ip.replace(/\./g, '\\.')}:\\d+$`));
      assert.match(node.endpoints.l4lb!, /^http:\/\//);
    }
    const state = (await (await fetch(`${master.endpoints.mesos}/master/state`)).json()) as {
      id: string;
      slaves: { id: string; attributes: Record<string, string>; hostname: string }[];
    };
    assert.equal(master.id, state.id);
    assert.equal(state.slaves.length, 3);
    for (const s of state.slaves) assert.match(s.id, new RegExp(`^${state.id}-S\\d+$`));
    const pub = state.slaves.find((s) => s.hostname === '127.0.3.1');
    assert.equal(pub?.attributes.public_ip, 'true');
    for (const node of endpoints.nodes.slice(1)) {
      const agentState = (await (await fetch(`${node.endpoints.mesos}/state`)).json()) as { id: string };
      assert.equal(agentState.id, node.id);
    }
    // The master's first endpoint by name is its Admin Router; diagnostics follows on its own line.
    assert.match(run.output(), /^127\.0\.1\.1\s+master\s+adminrouter\s+http:\/\/127\.0\.1\.1:\d+$/m);
    assert.match(run.output(), /^\s+dns\s+127\.0\.1\.1:\d+$/m);
    assert.match(run.output(), /^\s+marathon\s+http:\/\/127\.0\.1\.1:\d+$/m);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    await assert.rejects(access(join(dir, 'minidc.pid')), 'the data dir lock is released');
    const journal = await readFile(join(dir, 'nodes', '127.0.1.1', 'journal', 'dcos-mesos-master.service.log'), 'utf8');
    assert.match(journal, /Stopped Mesos Master/);
  } finally {
    run.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('upstream_resolvers: [] turns forwarding off: Mesos-DNS answers REFUSED for names outside its zone', async () => {
  const dir = await tempDir();
  const cfg = join(dir, 'cfg.json');
  await writeFile(cfg, JSON.stringify({ upstream_resolvers: [], agents: 1, public_agents: 0 }));
  const run = startMinidc(['--config', cfg, '--ports', 'ephemeral', '--data-dir', dir, '--no-sample']);
  try {
    const endpoints = await eventually('endpoints.json', () => readEndpoints(dir));
    const [host, port] = endpoints.nodes[0]!.endpoints.dns!.split(':');
    const { stdout } = await execFileAsync('dig', [`@${host}`, '-p', port!, 'example.com', 'A'], { timeout: 10_000 });
    assert.match(stdout, /status: REFUSED/);
    const { stdout: inside } = await execFileAsync('dig', [`@${host}`, '-p', port!, 'leader.mesos', 'A'], { timeout: 10_000 });
    assert.match(inside, /status: NOERROR/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
  } finally {
    run.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad flags and bad config end in one line on stderr and a non-zero exit', async () => {
  const dir = await tempDir();
  try {
    const badPorts = minidc(['start', '--ports', 'sometimes', '--data-dir', dir]);
    assert.equal(badPorts.status, 1);
    assert.equal(badPorts.stderr, "minidc: --ports must be 'standard' or 'ephemeral', not 'sometimes'\n");
    const cfg = join(dir, 'cfg.json');
    await writeFile(cfg, JSON.stringify({ agents: 2, colour: 'blue' }));
    const unknown = minidc(['start', '--config', cfg, '--data-dir', dir]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^minidc: config .*cfg\.json: unknown key 'colour' \(known: .*\)\n$/);
    await writeFile(cfg, '{"agents": ');
    const broken = minidc(['start', '--config', cfg, '--data-dir', dir]);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /^minidc: config .* is not valid JSON: .*\n$/);
    await writeFile(cfg, JSON.stringify({ upstream_resolvers: 'dns.example' }));
    const resolvers = minidc(['start', '--config', cfg, '--data-dir', dir]);
    assert.equal(resolvers.status, 1);
    assert.match(resolvers.stderr, /^minidc: config: 'upstream_resolvers' must be a list of addresses/);
    const agents = minidc(['start', '--agents', '-3', '--data-dir', dir]);
    assert.equal(agents.status, 1);
    assert.equal(agents.stderr.split('\n').length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a port in use: one clear line, exit 1, nothing left running', async () => {
  const dir = await tempDir();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(5050, '127.0.9.1', resolve));
  try {
    const cfg = join(dir, 'cfg.json');
    await writeFile(cfg, JSON.stringify({ master_ip: '127.0.9.1', agents: [{ ip: '127.0.9.2' }], public_agents: 0 }));
    const r = minidc(['start', '--config', cfg, '--data-dir', dir, '--no-sample']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^minidc: .*cannot listen on 127\.0\.9\.1:5050: address already in use\n$/);
    await assert.rejects(access(join(dir, 'minidc.pid')), 'the data dir lock is released');
  } finally {
    blocker.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a data dir in use by a running minidc is refused', async () => {
  const dir = await tempDir();
  const first = startMinidc(['--ports', 'ephemeral', '--data-dir', dir, '--no-sample', '--agents', '1', '--public-agents', '0']);
  try {
    await eventually('endpoints.json', () => readEndpoints(dir));
    const second = minidc(['start', '--ports', 'ephemeral', '--data-dir', dir, '--no-sample']);
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`^minidc: data dir .* is in use by minidc pid ${first.child.pid}\\n$`));
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0);
  } finally {
    first.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
