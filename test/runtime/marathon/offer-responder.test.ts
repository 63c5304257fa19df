import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resources } from '../../../runtime/mesos/resources.ts';
import type { OfferView, TaskLaunch } from '../../../runtime/mesos/scheduler-api.ts';
import { newAppRecord } from '../../../runtime/marathon/app-record.ts';
import { answerOffers } from '../../../runtime/marathon/offer-responder.ts';
import { parseRunSpec } from '../../../runtime/marathon/run-spec.ts';

function offer(id: string): OfferView {
  return {
    id,
    frameworkId: 'fw',
    agentId: `agent-${id}`,
    hostname: `host-${id}`,
    ip: '10.0.0.1',
    role: '*',
    resources: Resources.parse('cpus:8;mem:8192;disk:1000;ports:[31000-31100]'),
    attributes: {},
  };
}

function respond(wanted: number, offers: OfferView[]) {
  const parsed = parseRunSpec({ id: '/web', cmd: 'sleep 1', cpus: 0.1, mem: 16, instances: wanted });
  if (!parsed.ok) throw new Error('bad spec');
  const rec = newAppRecord(parsed.spec, '2024-01-01T00:00:00.000Z');
  const accepts: { offer: string; launches: number; refuseSeconds: number | undefined }[] = [];
  const declines: string[] = [];
  answerOffers(offers, [{ rec, wanted, placed: [], acceptedRoles: ['*'] }], {
    conn: {
      accept: (ids, launches, filters) => accepts.push({ offer: ids[0]!, launches: launches.length, refuseSeconds: filters?.refuseSeconds }),
      decline: (ids) => declines.push(...ids),
    },
    refuseSeconds: 120,
    maxInstancesPerOffer: 5,
    random: () => 0.5,
    now: 0,
    launch: () => ({}) as TaskLaunch,
  });
  return { accepts, declines };
}

test('at most max_instances_per_offer instances go on one offer; the rest of a capped offer comes back unfiltered', () => {
  const { accepts, declines } = respond(12, [offer('a'), offer('b')]);
  assert.deepEqual(accepts, [
    { offer: 'a', launches: 5, refuseSeconds: 0 },
    { offer: 'b', launches: 5, refuseSeconds: 0 },
  ]);
  assert.deepEqual(declines, []);
});

test('an offer that took everything wanted keeps the refuse filter; offers beyond the need are declined', () => {
  const { accepts, declines } = respond(3, [offer('a'), offer('b')]);
  assert.deepEqual(accepts, [{ offer: 'a', launches: 3, refuseSeconds: 120 }]);
  assert.deepEqual(declines, ['b']);
});
