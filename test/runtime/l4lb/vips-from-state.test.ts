// vipsFromState on a /master/state document shaped like a real DC/OS cluster's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { vipsFromState } from '../../../runtime/l4lb/vips-from-state.ts';

const state: unknown = JSON.parse(readFileSync(new URL('./fixtures/master-state.json', import.meta.url), 'utf8'));

test('running, not-unhealthy tasks back the VIPs on their labelled ports, with the i-th host port', () => {
  // Sorted by VIP key (`ip:port` or `fqdn:port`).
  assert.deepEqual(vipsFromState(state), [
    {
      // Port index 2 is the third port of "[23456-23456, 23460-23461]".
      target: { kind: 'ip', ip: '10.100.0.7', port: 9000 },
      backends: [
        { ip: '10.0.1.11', port: 23461 },
        { ip: '10.0.1.12', port: 31002 },
      ],
    },
    {
      // Framework names go through the same sanitising as VIP names.
      target: { kind: 'named', fqdn: 'jnlp.jenkins.l4lb.thisdcos.directory', port: 50000 },
      backends: [{ ip: '10.0.1.12', port: 30000 }],
    },
    {
      // From the task's NetworkInfo address (9.0.1.5), and its second host port for its second discovery port.
      target: { kind: 'named', fqdn: 'mygroupmyapp.marathon.l4lb.thisdcos.directory', port: 5000 },
      backends: [{ ip: '9.0.1.5', port: 20005 }],
    },
    {
      target: { kind: 'named', fqdn: 'web.marathon.l4lb.thisdcos.directory', port: 80 },
      // instance-1 from its NetworkInfo, instance-2 from its agent's pid (not its hostname);
      // instance-3 is unhealthy now (its latest status), instance-4 is staging, instance-0 completed.
      backends: [
        { ip: '10.0.1.11', port: 23456 },
        { ip: '10.0.1.12', port: 31000 },
      ],
    },
  ]);
});

test('the latest status decides health, by timestamp rather than position', () => {
  const task = (statuses: unknown[]) => ({
    frameworks: [
      {
        name: 'marathon',
        tasks: [
          {
            state: 'TASK_RUNNING',
            slave_id: 'a',
            resources: { ports: '[31000-31000]' },
            statuses,
            discovery: {
              ports: { ports: [{ protocol: 'tcp', labels: { labels: [{ key: 'VIP_0', value: '/x:80' }] } }] },
            },
          },
        ],
      },
    ],
    slaves: [{ id: 'a', pid: 'slave(1)@10.0.0.9:5051' }],
  });
  const backends = (s: unknown) => vipsFromState(s).flatMap((v) => v.backends);
  assert.equal(backends(task([{ timestamp: 2, healthy: false }, { timestamp: 1, healthy: true }])).length, 0);
  assert.equal(backends(task([{ timestamp: 1, healthy: false }, { timestamp: 2, healthy: true }])).length, 1);
  assert.equal(backends(task([{ timestamp: 1, healthy: false }, { timestamp: 2 }])).length, 1, 'absent = healthy');
  assert.equal(backends(task([])).length, 1, 'no status: healthy, backend from the agent pid');
});

test('malformed or empty state gives an empty table instead of throwing', () => {
  for (const bad of [null, 42, 'state', [], {}, { frameworks: 'x' }, { frameworks: [null, { tasks: [null, 1] }] }])
    assert.deepEqual(vipsFromState(bad), []);
});
