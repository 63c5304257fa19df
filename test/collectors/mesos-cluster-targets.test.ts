// Agent discovery for `minidc collect`: the agents a master's /master/slaves lists (pid first, hostname and port
// else), registered with a node label each, kept current every 30 s and soon after an agent's scrape fails, kept
// when the master cannot be read. A fake master and fake agents answer over real HTTP; the discovery loop runs on
// a ManualClock.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentTargetsOf, targetOfUrl } from '../../collectors/mesos/agent-discovery.ts';
import { MesosClusterTargets } from '../../collectors/mesos/mesos-cluster-targets.ts';
import { CollectorRegistry, type ScrapeResult } from '../../collectors/collector-registry.ts';
import { ManualClock } from '../../runtime/time/manual-clock.ts';
import { eventually } from '../support/minidc-cli.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(routes: (path: string) => unknown): Promise<{ server: Server; address: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = routes(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const fakeAgent = () => serve((path) => (path === '/metrics/snapshot' ? { 'slave/registered': 1 } : path === '/containers' ? [] : undefined));

function upOf(result: ScrapeResult): Record<string, boolean> {
  return Object.fromEntries(result.collectors.map((c) => [`${c.name}@${c.labels.node}`, c.up]));
}

test('targetOfUrl and agentTargetsOf: addresses from URLs, pids, or hostname and port', () => {
  assert.deepEqual(targetOfUrl('http://10.0.0.1:5050/'), { address: '10.0.0.1:5050', url: 'http://10.0.0.1:5050' });
  assert.deepEqual(targetOfUrl('https://leader.mesos'), { address: 'leader.mesos:443', url: 'https://leader.mesos:443' });
  assert.deepEqual(targetOfUrl('http://[::1]:5051'), { address: '[::1]:5051', url: 'http://[::1]:5051' });
  assert.throws(() => targetOfUrl('10.0.0.1:5050'), /Expected a base URL/);
  assert.throws(() => targetOfUrl('http://10.0.0.1:5050/master/state'), /without a path/);
  const slaves = {
    slaves: [
      { pid: 'slave(1)@10.0.1.5:5051', hostname: 'ignored', port: 1 },
      { hostname: 'agent-2.example', port: 5051 },
      { pid: 'slave(1)@10.0.1.5:5051' },
      { pid: 'garbage', hostname: '', port: 5051 },
      { hostname: 'no-port' },
      null,
    ],
  };
  assert.deepEqual(agentTargetsOf(slaves, 'https:'), [
    { address: '10.0.1.5:5051', url: 'https://10.0.1.5:5051' },
    { address: 'agent-2.example:5051', url: 'https://agent-2.example:5051' },
  ]);
  assert.throws(() => agentTargetsOf({ nope: [] }), /no slaves array/);
});

test('discovered agents come and go; a failed agent scrape and the 30 s loop re-read /master/slaves', async () => {
  const a = await fakeAgent();
  const b = await fakeAgent();
  let listed = [a.address];
  let masterDown = false;
  const master = await serve((path) => {
    if (path === '/master/slaves') return masterDown ? undefined : { slaves: listed.map((addr) => ({ pid: `slave(1)@${addr}` })) };
    if (path === '/metrics/snapshot') return {};
    if (path === '/master/roles') return { roles: [] };
    return undefined;
  });
  const slavesReads = () => master.requests.filter((r) => r === '/master/slaves').length;
  const clock = new ManualClock();
  const logged: string[] = [];
  const log = (level: string, message: string) => logged.push(`${level}: ${message}`);
  const registry = new CollectorRegistry({ log });
  const targets = new MesosClusterTargets({ registry, master: targetOfUrl(`http://${master.address}`), timeoutMs: 2000, time: clock, log });
  await targets.start();
  assert.deepEqual(targets.agents().map((t) => t.address), [a.address]);
  assert.deepEqual(upOf(await registry.scrape()), {
    [`mesos_master@${master.address}`]: true,
    [`mesos_roles@${master.address}`]: true,
    [`mesos_agent@${a.address}`]: true,
    [`containers@${a.address}`]: true,
  });
  assert.equal(logged.length, 0, 'the first discovery is the starting set, not news');

  // The loop: b joins.
  listed = [a.address, b.address];
  await clock.advance(30_000);
  await eventually('b discovered by the 30 s loop', () => (targets.agents().length === 2 ? true : undefined));
  assert.equal(slavesReads(), 2);
  assert.deepEqual(logged, [`info: agent ${b.address} discovered`]);

  // a goes away: its failed scrape asks for discovery, which drops it, without waiting for the loop.
  a.server.closeAllConnections();
  await new Promise((resolve) => a.server.close(resolve));
  listed = [b.address];
  await clock.advance(5_000);
  const failed = await registry.scrape();
  assert.equal(upOf(failed)[`mesos_agent@${a.address}`], false);
  await eventually('a dropped after its failed scrape', () => (targets.agents().length === 1 ? true : undefined));
  assert.deepEqual(targets.agents().map((t) => t.address), [b.address]);
  assert.equal(slavesReads(), 3, 'one discovery for the failed scrape (both of its collectors failed)');
  assert.deepEqual(Object.keys(upOf(await registry.scrape())).filter((k) => k.includes(a.address)), []);
  assert.ok(logged.includes(`info: agent ${a.address} is no longer listed by the master; its series are dropped`), logged.join('\n'));

  // The master unreadable: the agents are kept, the failure logged once.
  masterDown = true;
  const before = logged.length;
  for (let i = 0; i < 2; i++) {
    const reads = slavesReads();
    await clock.advance(30_000);
    await eventually('the loop read /master/slaves', () => (slavesReads() > reads ? true : undefined));
    await targets.discover();
  }
  assert.deepEqual(targets.agents().map((t) => t.address), [b.address]);
  const failures = logged.slice(before);
  assert.equal(failures.length, 1, failures.join('\n'));
  assert.match(failures[0]!, /^error: agent discovery failed: GET http:\/\/.*\/master\/slaves: HTTP 404/);
  masterDown = false;
  await targets.discover();
  assert.equal(logged.at(-1), 'info: agent discovery recovered');
  targets.stop();
  assert.equal(clock.pendingTimers, 0, 'stop ends the loop');
});

test('given agents: no discovery at all', async () => {
  const a = await fakeAgent();
  const master = await serve((path) => (path === '/metrics/snapshot' ? {} : path === '/master/roles' ? { roles: [] } : undefined));
  const clock = new ManualClock();
  const registry = new CollectorRegistry({ log: () => {} });
  const targets = new MesosClusterTargets({
    registry,
    master: targetOfUrl(`http://${master.address}`),
    agents: [targetOfUrl(`http://${a.address}`), targetOfUrl('http://127.0.0.1:1')],
    timeoutMs: 2000,
    time: clock,
    log: () => {},
  });
  await targets.start();
  const up = upOf(await registry.scrape());
  assert.equal(up[`mesos_agent@${a.address}`], true);
  assert.equal(up['mesos_agent@127.0.0.1:1'], false);
  await clock.advance(60_000);
  assert.deepEqual(master.requests.filter((r) => r === '/master/slaves'), []);
  assert.equal(clock.pendingTimers, 0);
});
