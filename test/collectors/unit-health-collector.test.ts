// minidc_unit_health from a node's real units (UnitRegistry.reader()): 0 while active, 1 when inactive, failed or
// not installed, with the node and unit as labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitHealthCollector } from '../../collectors/units/unit-health-collector.ts';
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
  const collector = unitHealthCollector({ node: '127.0.1.1', units: registry.reader() });
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
});
