import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appTasks, startCluster, until, waitForDeployed, type Cluster } from './marathon-harness.ts';

let c: Cluster;
before(async () => {
  c = await startCluster({
    agents: [
      { hostname: 'private1', attributes: { rack: 'r1' } },
      { hostname: 'private2', attributes: { rack: 'r2' } },
      { hostname: 'private3', attributes: { rack: 'r1' } },
      // A DC/OS public agent: everything reserved for slave_public.
      {
        hostname: 'public1',
        resources: 'cpus(slave_public):2;mem(slave_public):1024;disk(slave_public):1024;ports(slave_public):[31000-31099]',
        attributes: { public_ip: 'true' },
      },
    ],
  });
});
after(async () => {
  await c.close();
});

function launchOf(taskId: string) {
  const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
  return fw.tasks.get(taskId)!.launch;
}

async function queueEntry(id: string) {
  const q = await c.api('GET', '/v2/queue');
  return q.body.queue.find((e: { app: { id: string } }) => e.app.id === id);
}

test('hostname:UNIQUE puts each instance on its own agent and leaves the rest waiting', async () => {
  await c.api('POST', '/v2/apps', { id: '/unique', cmd: 'sleep 1000', instances: 4, cpus: 0.1, mem: 16, constraints: [['hostname', 'UNIQUE']] });
  await until('three placed', async () => (await appTasks(c, '/unique')).filter((t) => t.state === 'TASK_RUNNING').length === 3);
  await until('the fourth is turned down by its constraint', async () => {
    const entry = await queueEntry('/unique');
    return entry?.processedOffersSummary.rejectSummaryLastOffers.some(
      (r: { reason: string; declined: number }) => r.reason === 'UnfulfilledConstraint' && r.declined > 0,
    );
  });
  const tasks = await appTasks(c, '/unique');
  assert.equal(tasks.length, 3);
  assert.deepEqual(tasks.map((t) => t.host).sort(), ['private1', 'private2', 'private3']);
  assert.equal((await queueEntry('/unique')).count, 1);
  await c.api('DELETE', '/v2/apps/unique?force=true');
});

test('CLUSTER on hostname and on an attribute, and LIKE, keep tasks where they are told', async () => {
  await c.api('POST', '/v2/apps', { id: '/pinned', cmd: 'sleep 1000', instances: 3, cpus: 0.1, mem: 16, constraints: [['hostname', 'CLUSTER', 'private2']] });
  await c.api('POST', '/v2/apps', { id: '/rack1', cmd: 'sleep 1000', instances: 4, cpus: 0.1, mem: 16, constraints: [['rack', 'CLUSTER', 'r1']] });
  await c.api('POST', '/v2/apps', { id: '/like', cmd: 'sleep 1000', instances: 3, cpus: 0.1, mem: 16, constraints: [['hostname', 'LIKE', 'private[23]']] });
  await waitForDeployed(c, '/pinned', 3);
  await waitForDeployed(c, '/rack1', 4);
  await waitForDeployed(c, '/like', 3);
  assert.ok((await appTasks(c, '/pinned')).every((t) => t.host === 'private2'));
  assert.ok((await appTasks(c, '/rack1')).every((t) => t.host === 'private1' || t.host === 'private3'));
  assert.ok((await appTasks(c, '/like')).every((t) => t.host === 'private2' || t.host === 'private3'));
  for (const id of ['pinned', 'rack1', 'like']) await c.api('DELETE', `/v2/apps/${id}`);
});

test('acceptedResourceRoles ["slave_public"] lands only on public agents, on slave_public resources', async () => {
  await c.api('POST', '/v2/apps', { id: '/edge', cmd: 'sleep 1000', instances: 3, cpus: 0.5, mem: 64, acceptedResourceRoles: ['slave_public'] });
  await waitForDeployed(c, '/edge', 3);
  for (const t of await appTasks(c, '/edge')) {
    assert.equal(t.host, 'public1');
    const resources = launchOf(t.id).resources.toString();
    assert.equal(resources, `cpus(slave_public):0.5;mem(slave_public):64;ports(slave_public):[${t.ports[0]}-${t.ports[0]}]`);
  }
  // The public agent has 2 cpus: a fifth half-cpu instance cannot fit anywhere it may go.
  await c.api('PUT', '/v2/apps/edge', { instances: 5 });
  await until('four on the public agent', async () => (await appTasks(c, '/edge')).length === 4);
  await until('the fifth waits, short of cpus or role', async () => {
    const entry = await queueEntry('/edge');
    return entry?.count === 1 && entry.processedOffersSummary.processedOffersCount > 0;
  });
  assert.ok((await appTasks(c, '/edge')).every((t) => t.host === 'public1'));
  await c.api('DELETE', '/v2/apps/edge?force=true');
});

test('by default (["*"]) apps never use the public agent reserved resources', async () => {
  await c.api('POST', '/v2/apps', { id: '/private', cmd: 'sleep 1000', instances: 8, cpus: 0.1, mem: 16 });
  await waitForDeployed(c, '/private', 8);
  const tasks = await appTasks(c, '/private');
  assert.ok(tasks.every((t) => t.host.startsWith('private')));
  for (const t of tasks) assert.doesNotMatch(launchOf(t.id).resources.toString(), /slave_public/);
  await c.api('DELETE', '/v2/apps/private');

  // Pinned to the public agent without accepting its role: offered there, but never launched.
  await c.api('POST', '/v2/apps', { id: '/wants-public', cmd: 'sleep 1000', cpus: 0.1, mem: 16, constraints: [['public_ip', 'CLUSTER', 'true']] });
  await until('the public agent turned down for its role', async () => {
    const entry = await queueEntry('/wants-public');
    return entry?.processedOffersSummary.rejectSummaryLastOffers.some(
      (r: { reason: string; declined: number }) => r.reason === 'UnfulfilledRole' && r.declined > 0,
    );
  });
  assert.deepEqual(await appTasks(c, '/wants-public'), []);
  await c.api('DELETE', '/v2/apps/wants-public?force=true');
});

test('requirePorts uses the declared ports as host ports', async () => {
  await c.api('POST', '/v2/apps', {
    id: '/fixed',
    cmd: 'sleep 1000',
    instances: 2,
    cpus: 0.1,
    mem: 16,
    requirePorts: true,
    portDefinitions: [{ port: 31050, name: 'api' }],
    constraints: [['hostname', 'LIKE', 'private.*']],
  });
  await waitForDeployed(c, '/fixed', 2);
  const tasks = await appTasks(c, '/fixed');
  assert.ok(tasks.every((t) => t.ports[0] === 31050 && t.servicePorts[0] === 31050));
  assert.notEqual(tasks[0].host, tasks[1].host, 'one fixed port per agent');
  assert.equal(launchOf(tasks[0].id).env!.PORT_API, '31050');
  await c.api('DELETE', '/v2/apps/fixed');
});
