// Placing descriptors on nodes by role and ordering them by `after`, without starting anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterNode, NodeServiceDescriptor } from '../../../runtime/cluster/node-service.ts';
import type { NodeRole } from '../../../runtime/cluster/endpoints-file.ts';
import { RUNTIME_SERVICES } from '../../../runtime/cluster/runtime-services.ts';
import { placeServices, ServiceOrderError } from '../../../runtime/cluster/service-order.ts';
import { UnitRegistry } from '../../../runtime/units/unit-registry.ts';

const node = (ip: string, role: NodeRole): ClusterNode => ({ ip, role, hostname: ip, units: new UnitRegistry(), endpoints: {}, id: ip });
const NODES = [node('127.0.1.1', 'master'), node('127.0.2.1', 'agent'), node('127.0.3.1', 'agent_public')];

const service = (unit: string, roles: NodeRole[], after: string[] = []): NodeServiceDescriptor => ({
  unit,
  description: 'Test: a service',
  roles,
  after,
  endpoints: [],
  create: () => ({ start: async () => undefined, stop: async () => undefined }),
});

test("the runtime's table: placed by role, master first, Marathon after every agent", () => {
  const order = placeServices(NODES, RUNTIME_SERVICES).map((p) => `${p.node.ip} ${p.service.unit}`);
  assert.deepEqual(order, [
    '127.0.1.1 dcos-mesos-master.service',
    '127.0.1.1 dcos-mesos-dns.service',
    '127.0.1.1 dcos-spartan.service',
    '127.0.1.1 dcos-minuteman.service',
    '127.0.2.1 dcos-mesos-slave.service',
    '127.0.2.1 dcos-spartan.service',
    '127.0.2.1 dcos-minuteman.service',
    '127.0.3.1 dcos-mesos-slave-public.service',
    '127.0.1.1 dcos-marathon.service',
    '127.0.3.1 dcos-spartan.service',
    '127.0.3.1 dcos-minuteman.service',
  ]);
});

test('a table order that contradicts `after` is reordered; ties keep node then table order', () => {
  const order = placeServices(NODES, [
    service('b.service', ['master', 'agent'], ['a.service']),
    service('a.service', ['agent']),
  ]).map((p) => `${p.node.ip} ${p.service.unit}`);
  assert.deepEqual(order, ['127.0.2.1 a.service', '127.0.1.1 b.service', '127.0.2.1 b.service']);
});

test('an unknown `after`, a cycle or a duplicate unit is an error naming it', () => {
  assert.throws(() => placeServices(NODES, [service('a.service', ['master'], ['nope.service'])]), /a\.service starts after nope\.service/);
  assert.throws(
    () => placeServices(NODES, [service('a.service', ['master'], ['b.service']), service('b.service', ['agent'], ['a.service'])]),
    (err: Error) => err instanceof ServiceOrderError && /cycle among a\.service, b\.service/.test(err.message),
  );
  assert.throws(() => placeServices(NODES, [service('a.service', ['master']), service('a.service', ['agent'])]), /two descriptors declare a\.service/);
});
