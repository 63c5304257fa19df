/** Mesos-DNS's HTTP API, with Mesos-DNS's response shapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskIdHash } from '../../../runtime/dns/mesos-dns/zbase32.ts';
import { MutableStateSource, mesosState, startMesosDns } from './dns-test-support.ts';

const state = mesosState({
  agents: [{ id: 'c-S1', ip: '127.0.2.1' }],
  frameworks: [
    { id: 'fw-1', name: 'marathon', tasks: [{ id: 'nginx.1', name: 'nginx', agent: 'c-S1', ports: '[31000-31000]' }] },
    { id: 'fw-2', name: 'idle', tasks: [] },
  ],
});

test('the HTTP API answers with Mesos-DNS’s shapes', async (t) => {
  const running = await startMesosDns(new MutableStateSource(state));
  t.after(() => running.dns.stop());
  const get = async (path: string) => {
    const res = await fetch(running.http + path);
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
  };
  const c = `nginx-${taskIdHash('nginx.1')}-s1`;

  assert.deepEqual((await get('/v1/version')).body, {
    Service: 'Mesos-DNS',
    Version: 'minidc-0.1.0',
    URL: 'https://github.com/mesosphere/mesos-dns',
  });

  const config = (await get('/v1/config')).body as Record<string, unknown>;
  assert.equal(config['Domain'], 'mesos');
  assert.equal(config['TTL'], 60);
  assert.equal(config['Port'], running.port, 'the port actually bound');
  assert.deepEqual(config['IPSources'], ['host', 'netinfo']);
  for (const key of ['RefreshSeconds', 'SOAMname', 'SOARname', 'SOASerial', 'Resolvers', 'ExternalOn', 'EnumerationOn', 'SetTruncateBit']) {
    assert.ok(key in config, key);
  }

  assert.deepEqual((await get('/v1/hosts/NGINX.marathon.mesos')).body, [{ host: 'nginx.marathon.mesos.', ip: '127.0.2.1' }]);
  assert.deepEqual((await get('/v1/hosts/nothing.mesos')).body, [{ host: '', ip: '' }]);
  assert.deepEqual(await get('/v1/hosts/nginx.marathon.mesos/ports'), { status: 501, body: 'To be implemented...' });

  assert.deepEqual((await get('/v1/services/_nginx._tcp.marathon.mesos')).body, [
    { service: '_nginx._tcp.marathon.mesos', host: `${c}.marathon.slave.mesos.`, ip: '127.0.2.1', port: '31000' },
  ]);
  assert.deepEqual((await get('/v1/services/_none._tcp.marathon.mesos')).body, [{ service: '', host: '', ip: '', port: '' }]);

  const enumeration = (await get('/v1/enumerate')).body as {
    frameworks: { name: string; tasks: { name: string; id: string; records: { name: string; host: string; rtype: string }[] }[] }[];
  };
  assert.deepEqual(enumeration.frameworks.map((f) => [f.name, f.tasks.length]), [['marathon', 1], ['idle', 0]]);
  const task = enumeration.frameworks[0]!.tasks[0]!;
  assert.deepEqual([task.name, task.id], ['nginx', 'nginx.1']);
  assert.deepEqual(
    task.records.map((r) => `${r.rtype} ${r.name} ${r.host}`).sort(),
    [
      `A ${c}.marathon.mesos. 127.0.2.1`,
      `A ${c}.marathon.slave.mesos. 127.0.2.1`,
      'A nginx.marathon.mesos. 127.0.2.1',
      'A nginx.marathon.slave.mesos. 127.0.2.1',
      `SRV _nginx._tcp.marathon.mesos. ${c}.marathon.slave.mesos.:31000`,
      `SRV _nginx._tcp.marathon.slave.mesos. ${c}.marathon.slave.mesos.:31000`,
      `SRV _nginx._udp.marathon.mesos. ${c}.marathon.slave.mesos.:31000`,
      `SRV _nginx._udp.marathon.slave.mesos. ${c}.marathon.slave.mesos.:31000`,
    ],
  );

  const axfr = (await get('/v1/axfr')).body as { Domain: string; Mname: string; Records: { As: Record<string, string[]>; SRVs: Record<string, string[]> } };
  assert.equal(axfr.Domain, 'mesos');
  assert.equal(axfr.Mname, 'ns1.mesos.');
  assert.deepEqual(axfr.Records.As['leader.mesos.'], ['127.0.1.1']);
  assert.deepEqual(axfr.Records.SRVs['_leader._tcp.mesos.'], ['leader.mesos.:5050']);
});

test('enumeration can be switched off', async (t) => {
  const running = await startMesosDns(new MutableStateSource(state), { enumerationOn: false });
  t.after(() => running.dns.stop());
  assert.equal((await fetch(`${running.http}/v1/enumerate`)).status, 404);
  assert.equal((await fetch(`${running.http}/v1/axfr`)).status, 404);
});
