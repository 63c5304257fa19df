import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamRace } from '../../../runtime/dns/forwarder/upstream-race.ts';
import { ZoneRouter } from '../../../runtime/dns/forwarder/zone-router.ts';
import { nameToWireKey, wireKeyToName } from '../../../runtime/dns/wire/dns-names.ts';
import { parseUpstream, upstreamLabel } from '../../../runtime/dns/wire/upstream-exchange.ts';

const up = (s: string) => parseUpstream(s);

test('dcos-dns zone routing, in its order', () => {
  const router = new ZoneRouter([up('1.1.1.1')], [
    { zone: 'contoso.com', upstreams: [up('2.2.2.2')] },
    { zone: 'a.contoso.com', upstreams: [up('3.3.3.3')] },
  ], 'abcde');
  const route = (name: string) => {
    const r = router.route(nameToWireKey(name)!);
    if (r.kind === 'internal') return `internal ${wireKeyToName(r.lookupKey)} /${r.zoneLabels}`;
    if (r.kind === 'mesos') return 'mesos';
    return `upstream ${r.zone} ${r.upstreams.map(upstreamLabel).join(',')}`;
  };
  assert.equal(route('app.marathon.dclb.thisdcos.directory'), 'internal app.marathon.l4lb.thisdcos.directory. /3');
  assert.equal(route('app.marathon.dclb.thisdcos.global'), 'internal app.marathon.l4lb.thisdcos.directory. /3');
  assert.equal(route('app.marathon.l4lb.thisdcos.global'), 'internal app.marathon.l4lb.thisdcos.directory. /3');
  assert.equal(route('app.marathon.l4lb.abcde.dcos.directory'), 'internal app.marathon.l4lb.thisdcos.directory. /4');
  assert.equal(route('app.marathon.l4lb.other.dcos.directory'), 'upstream . 1.1.1.1:53', 'another cluster’s ID goes upstream');
  assert.equal(route('web.marathon.mesos'), 'mesos');
  assert.equal(route('leader.mesos'), 'mesos');
  assert.equal(route('ready.spartan'), 'internal ready.spartan. /1');
  assert.equal(route('localhost'), 'internal localhost. /1');
  assert.equal(route('zk-1.zk'), 'internal zk-1.zk. /1');
  assert.equal(route('thisnode.thisdcos.directory'), 'internal thisnode.thisdcos.directory. /3');
  assert.equal(route('db.a.contoso.com'), 'upstream a.contoso.com 3.3.3.3:53', 'the deepest forward zone wins');
  assert.equal(route('www.contoso.com'), 'upstream contoso.com 2.2.2.2:53');
  assert.equal(route('notcontoso.com'), 'upstream . 1.1.1.1:53', 'zones match on label boundaries');
  assert.equal(route('example.org'), 'upstream . 1.1.1.1:53');
});

test('upstream choice: all of fewer than three; otherwise two from the least-failing buckets', () => {
  const race = new UpstreamRace(1000, () => 0);
  const labels = (list: ReturnType<UpstreamRace['choose']>) => list.map(upstreamLabel).sort();
  assert.deepEqual(labels(race.choose([up('10.0.0.1'), up('10.0.0.2')])), ['10.0.0.1:53', '10.0.0.2:53']);
  const three = [up('10.0.0.1'), up('10.0.0.2'), up('10.0.0.3')];
  assert.equal(race.choose(three).length, 2);
  race.failures.set('10.0.0.1:53', 3);
  assert.deepEqual(labels(race.choose(three)), ['10.0.0.2:53', '10.0.0.3:53'], 'the failing one is left out');
  race.failures.set('10.0.0.2:53', 1);
  assert.deepEqual(labels(race.choose(three)), ['10.0.0.2:53', '10.0.0.3:53'], 'the best one plus one from the next bucket');
  assert.throws(() => parseUpstream('not an address'), /not an upstream/);
  assert.deepEqual(parseUpstream('[::1]:5353'), { host: '::1', port: 5353 });
  assert.deepEqual(parseUpstream('::1'), { host: '::1', port: 53 });
});
