import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateRecords } from '../../../runtime/dns/mesos-dns/record-generator.ts';
import type { GeneratorConfig } from '../../../runtime/dns/mesos-dns/record-generator.ts';
import { RecordSet } from '../../../runtime/dns/mesos-dns/record-set.ts';
import { StateError } from '../../../runtime/dns/mesos-dns/mesos-state.ts';
import { taskIdHash } from '../../../runtime/dns/mesos-dns/zbase32.ts';
import { mesosState } from './dns-test-support.ts';

const config: GeneratorConfig = {
  domain: 'mesos',
  ipSources: ['host', 'netinfo'],
  labelSpec: 'rfc1123',
  masters: [],
  nameServerIps: ['127.0.0.1'],
  soaMname: 'ns1.mesos.',
};

function generate(state: unknown, c: Partial<GeneratorConfig> = {}): RecordSet {
  const records = new RecordSet();
  generateRecords(state, { ...config, ...c }, records);
  return records.seal();
}

/** Wire key → dotted name, for readable assertions. */
function decode(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i += key.charCodeAt(i) + 1) out += key.slice(i + 1, i + 1 + key.charCodeAt(i)) + '.';
  return out;
}

/** SRV values of a name as `port target.`, sorted. */
const srv = (records: RecordSet, name: string) =>
  records.srvOf(name).map((v) => `${v.port} ${decode(v.target)}`).sort();
const agents = [
  { id: '20160101-000000-1-S1', ip: '127.0.2.1' },
  { id: '20160101-000000-1-S2', ip: '127.0.2.2' },
];

test('a Marathon task without DiscoveryInfo gets exactly Mesos-DNS names (docs/docs/http.md example)', () => {
  const records = generate(
    mesosState({
      agents,
      frameworks: [{ id: 'fw', name: 'marathon', tasks: [{ id: 'nginx.1', name: 'nginx', agent: agents[0]!.id, ports: '[31000-31001]' }] }],
    }),
  );
  const c = `nginx-${taskIdHash('nginx.1')}-s1`;
  for (const name of ['nginx.marathon.mesos', `${c}.marathon.mesos`, 'nginx.marathon.slave.mesos', `${c}.marathon.slave.mesos`]) {
    assert.deepEqual(records.addressesOf(name), ['127.0.2.1'], name);
  }
  const expected = [`31000 ${c}.marathon.slave.mesos.`, `31001 ${c}.marathon.slave.mesos.`];
  for (const name of ['_nginx._tcp.marathon.slave.mesos', '_nginx._udp.marathon.slave.mesos', '_nginx._tcp.marathon.mesos', '_nginx._udp.marathon.mesos']) {
    assert.deepEqual(srv(records, name), expected, name);
  }
});

test('leader, masters, agents, framework and name server records', () => {
  const state = mesosState({ leader: 'master@127.0.1.2:5050', agents, frameworks: [{ id: 'fw', name: 'Marathon.Prod', tasks: [] }] });
  const records = generate(state, { masters: ['127.0.1.1:5050', '127.0.1.2:5050', '127.0.1.3:5050'] });
  assert.deepEqual(records.addressesOf('leader.mesos'), ['127.0.1.2']);
  assert.deepEqual(records.addressesOf('master.mesos').sort(), ['127.0.1.1', '127.0.1.2', '127.0.1.3']);
  assert.deepEqual(records.addressesOf('master0.mesos'), ['127.0.1.1']);
  assert.deepEqual(records.addressesOf('master2.mesos'), ['127.0.1.3']);
  assert.deepEqual(records.addressesOf('master3.mesos'), [], 'the listed leader gets no extra masterN');
  assert.deepEqual(srv(records, '_leader._tcp.mesos').map((v) => v.split(' ')[0]), ['5050']);
  assert.equal(srv(records, '_leader._udp.mesos').length, 1);
  assert.equal(srv(records, '_master._tcp.mesos').length, 0, 'documented but never generated');
  assert.deepEqual(records.addressesOf('slave.mesos').sort(), ['127.0.2.1', '127.0.2.2']);
  assert.deepEqual(srv(records, '_slave._tcp.mesos').map((v) => v.split(' ')[0]), ['5051']);
  assert.deepEqual(records.addressesOf('agent.mesos'), [], 'there is no agent.mesos');
  assert.deepEqual(records.addressesOf('marathon.prod.mesos'), ['127.0.1.1'], 'frameworks without tasks still get names');
  assert.deepEqual(srv(records, '_framework._tcp.marathon.prod.mesos').map((v) => v.split(' ')[0]), ['39881']);
  assert.deepEqual(records.addressesOf('ns1.mesos'), ['127.0.0.1']);

  const unlisted = generate(state, { masters: ['127.0.1.1:5050'] });
  assert.deepEqual(unlisted.addressesOf('master1.mesos'), ['127.0.1.2'], 'a leader missing from the list gets the next masterN');
});

test('only running tasks on known agents are published; same name+value pairs are kept once', () => {
  const records = generate(
    mesosState({
      agents,
      frameworks: [
        {
          id: 'fw',
          name: 'marathon',
          tasks: [
            { id: 'web.1', name: 'web', agent: agents[0]!.id },
            { id: 'web.2', name: 'web', agent: agents[0]!.id },
            { id: 'web.3', name: 'web', agent: agents[1]!.id },
            { id: 'web.4', name: 'web', agent: agents[1]!.id, state: 'TASK_STAGING' },
            { id: 'web.5', name: 'web', agent: 'unknown-S9' },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(records.addressesOf('web.marathon.mesos'), ['127.0.2.1', '127.0.2.2']);
  assert.equal(srv(records, '_web._tcp.marathon.mesos').length, 3, 'one per running task port');
  assert.equal(records.addressesOf(`web-${taskIdHash('web.4')}-s2.marathon.mesos`).length, 0);
});

test('DiscoveryInfo: raw and sanitised names, per-port protocols and named ports', () => {
  const records = generate(
    mesosState({
      agents,
      frameworks: [
        {
          id: 'fw',
          name: 'marathon',
          tasks: [
            {
              id: 'myapp.1',
              name: 'myapp.mygroup',
              agent: agents[0]!.id,
              ports: '[31000-31000, 31005-31006]',
              discovery: {
                name: 'myapp.mygroup',
                ports: { ports: [{ number: 8080, name: 'http', protocol: 'tcp' }, { number: 9090, protocol: '' }] },
              },
            },
          ],
        },
      ],
    }),
  );
  const h = taskIdHash('myapp.1');
  assert.deepEqual(records.addressesOf('myapp.mygroup.marathon.mesos'), ['127.0.2.1'], 'the raw (legacy) name');
  assert.deepEqual(records.addressesOf('myapp-mygroup.marathon.mesos'), ['127.0.2.1'], 'the sanitised name');
  const target = `myapp-mygroup-${h}-s1.marathon.mesos.`;
  assert.deepEqual(srv(records, '_myapp-mygroup._tcp.marathon.mesos'), [`8080 ${target}`, `9090 ${target}`]);
  assert.deepEqual(srv(records, '_myapp-mygroup._udp.marathon.mesos'), [`9090 ${target}`]);
  assert.deepEqual(srv(records, '_http._myapp-mygroup._tcp.marathon.mesos'), [`8080 ${target}`]);
  assert.equal(srv(records, '_myapp-mygroup._tcp.marathon.slave.mesos').length, 3, 'host ports still under .slave');
});

test('task IPs: first IPv4 and first IPv6 of the sources in order; netinfo alone gives the container IP', () => {
  const status = {
    state: 'TASK_RUNNING',
    timestamp: 2,
    container_status: { network_infos: [{ ip_addresses: [{ ip_address: '10.9.0.5' }, { ip_address: 'fd01::5' }] }] },
  };
  const stale = { state: 'TASK_RUNNING', timestamp: 1, container_status: { network_infos: [{ ip_addresses: [{ ip_address: '10.9.0.1' }] }] } };
  const state = mesosState({
    agents,
    frameworks: [{ id: 'fw', name: 'marathon', tasks: [{ id: 'db.1', name: 'db', agent: agents[0]!.id, statuses: [stale, status] }] }],
  });
  assert.deepEqual(generate(state).addressesOf('db.marathon.mesos'), ['127.0.2.1', 'fd01::5']);
  assert.deepEqual(generate(state, { ipSources: ['netinfo', 'host'] }).addressesOf('db.marathon.mesos'), ['10.9.0.5', 'fd01::5']);
  assert.deepEqual(generate(state, { ipSources: ['netinfo'] }).addressesOf('db.marathon.slave.mesos'), ['127.0.2.1']);
});

test('long names stay valid DNS labels', () => {
  const long = 'x'.repeat(80);
  const records = generate(
    mesosState({ agents, frameworks: [{ id: 'fw', name: 'marathon', tasks: [{ id: 'l.1', name: long, agent: agents[0]!.id }] }] }),
  );
  assert.deepEqual(records.addressesOf(`${'x'.repeat(63)}.marathon.mesos`), ['127.0.2.1']);
  const canonical = [...records.a.keys()].map(decode).find((n) => n.includes(taskIdHash('l.1')))!;
  assert.ok(canonical.split('.')[0]!.length <= 63, canonical);
});

test('a state without a leader, or not an object, is refused', () => {
  assert.throws(() => generate({ ...mesosState({ agents, frameworks: [] }), leader: '' }), StateError);
  assert.throws(() => generate('nope'), StateError);
  assert.throws(() => generate(null), StateError);
});

test('malformed parts of a state are skipped, not trusted', () => {
  const state = {
    leader: 'master@127.0.1.1:5050',
    slaves: [null, 7, { id: 'x-S1' }, { id: 'x-S2', pid: 'slave(1)@not-an-ip:5051' }, { id: 'x-S3', pid: 'slave(1)@127.0.2.3:5051' }],
    frameworks: [
      'junk',
      { id: 'f', name: 42 },
      {
        id: 'g',
        name: 'ok',
        tasks: [
          null,
          { state: 'TASK_RUNNING', slave_id: 'x-S3', name: 't', id: 't.1', resources: { ports: 'garbage' }, discovery: { name: 5 } },
          { state: 'TASK_RUNNING', slave_id: 'x-S3', name: 'u', id: 'u.1', resources: { ports: '[1-100000]' } },
        ],
      },
    ],
  };
  const records = generate(state);
  assert.deepEqual(records.addressesOf('t.ok.mesos'), ['127.0.2.3']);
  assert.equal(records.srvOf('_u._tcp.ok.mesos').length, 1024, 'ports per task are capped');
  assert.deepEqual(records.addressesOf('slave.mesos'), ['127.0.2.3']);
});
