// minidc_unit_health read from a node's dcos-diagnostics over HTTP (its node route over real units): 0 while
// active, 1 when stopped, failed or not installed, with the node and unit as labels; a node without diagnostics
// yet is the collector down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitHealthCollector } from '../../collectors/units/unit-health-collector.ts';
import { nodeHealth } from '../../diagnostics/health/node-health.ts';
import { nodeHealthPlugin } from '../../diagnostics/node/node-health-plugin.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { UnitJournal } from '../../runtime/units/unit-journal.ts';
import { Unit } from '../../runtime/units/unit.ts';
import { UnitRegistry } from '../../runtime/units/unit-registry.ts';
import { makeUnit, NO_HANG, tempDataDir } from '../runtime/units/unit-fixtures.ts';

test('unit health follows the units: active 0; stopped, failed or not installed 1', NO_HANG, async (t) => {
  const dir = tempDataDir(t);
  const registry = new UnitRegistry();
  const master = makeUnit(dir);
  const dns = makeUnit(dir, { name: 'dcos-mesos-dns.service', description: 'Mesos DNS: DNS based Service Discovery' });
  registry.add(master.unit);
  registry.add(dns.unit);
  registry.add(new Unit({ name: 'dcos-absent.service', description: 'Absent: not installed', journal: new UnitJournal({ dataDir: dir, unit: 'dcos-absent.service' }) }));
  const app = createHttpServer();
  const identity = { hostname: 'h', ip: '127.0.1.1', dcos_version: 'x', node_role: 'master', mesos_id: '', dcos_diagnostics_version: 'x' };
  await app.register(nodeHealthPlugin, { health: () => nodeHealth(registry.reader(), identity) });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(() => app.close());

  const collector = unitHealthCollector({ node: '127.0.1.1', url: () => url });
  const health = async () =>
    Object.fromEntries((await collector.collect({ signal: new AbortController().signal })).map((s) => [`${s.labels!.node} ${s.labels!.unit}`, s.value]));

  await master.unit.start();
  await dns.unit.start();
  assert.deepEqual(await health(), {
    '127.0.1.1 dcos-absent.service': 1,
    '127.0.1.1 dcos-mesos-dns.service': 0,
    '127.0.1.1 dcos-mesos-master.service': 0,
  });
  dns.component.lastContext.fail(2, 'lost its zone');
  await master.unit.stop();
  const after = await health();
  assert.equal(after['127.0.1.1 dcos-mesos-dns.service'], 1);
  assert.equal(after['127.0.1.1 dcos-mesos-master.service'], 1);

  const unpublished = unitHealthCollector({ node: '127.0.1.1', url: () => undefined });
  await assert.rejects(async () => unpublished.collect({ signal: new AbortController().signal }), /endpoint not published yet/);
});
