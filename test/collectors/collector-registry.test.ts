// The collector registry as a scrape sees it: concurrent collectors, a slow one cut at its own timeout, a failing one
// reported as up 0 (never fatal) and its state changes logged once each. Time is a ManualClock, so no test sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../runtime/time/manual-clock.ts';
import { CollectorRegistry, type CollectorLogLevel, type ScrapeResult } from '../../collectors/collector-registry.ts';
import type { Collector } from '../../collectors/collector.ts';
import { assertValidSample, type MetricDeclaration } from '../../collectors/metric.ts';
import { renderExposition } from '../../collectors/prometheus/exposition.ts';

const ANSWER: MetricDeclaration = { prometheusName: 'test_answer', type: 'gauge', help: 'A fixed value.' };

function fixed(name: string, value = 42): Collector {
  return { name, enabledByDefault: true, collect: () => [{ metric: ANSWER, value }] };
}

function upOf(result: ScrapeResult, collector: string): number | undefined {
  return result.samples.find((s) => s.metric.prometheusName === 'minidc_collector_up' && s.labels?.collector === collector)?.value;
}

function durationOf(result: ScrapeResult, collector: string): number | undefined {
  return result.samples.find((s) => s.metric.prometheusName === 'minidc_collector_duration_seconds' && s.labels?.collector === collector)?.value;
}

function setUp(defaultTimeoutMs = 1000) {
  const clock = new ManualClock();
  const logged: { level: CollectorLogLevel; message: string }[] = [];
  const registry = new CollectorRegistry({ time: clock, defaultTimeoutMs, log: (level, message) => logged.push({ level, message }) });
  return { clock, logged, registry };
}

test('a slow collector is cut at its own timeout, its signal aborted, and the others are served', async () => {
  const { clock, logged, registry } = setUp(10_000);
  let signal: AbortSignal | undefined;
  // Ignores its signal and never settles: the registry must not wait for it.
  registry.register({ name: 'stuck', enabledByDefault: true, timeoutMs: 200, collect: (ctx) => ((signal = ctx.signal), new Promise(() => {})) });
  registry.register(fixed('fast'));
  const scrape = registry.scrape();
  await clock.advance(0); // lets the collectors start (and the fast one finish) before time moves
  await clock.advance(200);
  const result = await scrape;
  assert.equal(signal?.aborted, true);
  assert.equal(upOf(result, 'stuck'), 0);
  assert.equal(upOf(result, 'fast'), 1);
  assert.equal(durationOf(result, 'stuck'), 0.2);
  assert.equal(durationOf(result, 'fast'), 0);
  assert.deepEqual(result.samples.filter((s) => s.metric === ANSWER).map((s) => s.value), [42]);
  assert.match(result.collectors.find((c) => c.name === 'stuck')?.error ?? '', /timed out after 200 ms/);
  assert.deepEqual(logged, [{ level: 'error', message: 'collector stuck failed: timed out after 200 ms' }]);
});

test('collectors run concurrently: two slow ones finish in the time of one', async () => {
  const { clock, registry } = setUp();
  const slow = (name: string): Collector => ({
    name,
    enabledByDefault: true,
    collect: () => new Promise((resolve) => clock.setTimeout(() => resolve([]), 300)),
  });
  registry.register(slow('a'));
  registry.register(slow('b'));
  const scrape = registry.scrape();
  await clock.advance(0);
  await clock.advance(300);
  const result = await scrape;
  assert.deepEqual(result.collectors.map((c) => [c.name, c.up, c.durationSeconds]), [['a', true, 0.3], ['b', true, 0.3]]);
});

test('a failing collector is up 0 every scrape, logged once when it goes down and once when it recovers', async () => {
  const { logged, registry } = setUp();
  let failing = true;
  registry.register({
    name: 'flaky',
    enabledByDefault: true,
    collect: async () => {
      if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:5050');
      return [{ metric: ANSWER, value: 7 }];
    },
  });
  registry.register(fixed('steady'));
  for (let i = 0; i < 3; i++) {
    const r = await registry.scrape();
    assert.equal(upOf(r, 'flaky'), 0);
    assert.equal(upOf(r, 'steady'), 1);
  }
  assert.deepEqual(logged, [{ level: 'error', message: 'collector flaky failed: connect ECONNREFUSED 127.0.0.1:5050' }]);
  failing = false;
  for (let i = 0; i < 3; i++) {
    const r = await registry.scrape();
    assert.equal(upOf(r, 'flaky'), 1);
    assert.deepEqual(r.samples.filter((s) => s.metric === ANSWER).map((s) => s.value).sort(), [42, 7]);
  }
  assert.equal(logged.length, 2);
  assert.deepEqual(logged[1], { level: 'info', message: 'collector flaky recovered' });
  failing = true;
  await registry.scrape();
  await registry.scrape();
  assert.equal(logged.length, 3);
  assert.equal(logged[2]?.level, 'error');
});

test('a collector whose samples do not fit their declaration is reported down, with the reason', async () => {
  const { logged, registry } = setUp();
  registry.register({ name: 'sloppy', enabledByDefault: true, collect: () => [{ metric: ANSWER, value: 1, labels: { task: 'x' } }] });
  const r = await registry.scrape();
  assert.equal(upOf(r, 'sloppy'), 0);
  assert.equal(r.samples.filter((s) => s.metric === ANSWER).length, 0);
  assert.match(logged[0]?.message ?? '', /test_answer: labels undeclared task/);
});

test('disabled collectors are not run; bad names, duplicates and unknown names are clear errors', async () => {
  const { registry } = setUp();
  let ran = false;
  registry.register({ name: 'optional', enabledByDefault: false, collect: () => ((ran = true), []) });
  registry.register(fixed('host'));
  assert.deepEqual(registry.enabledNames(), ['host']);
  const r = await registry.scrape();
  assert.equal(ran, false);
  assert.equal(upOf(r, 'optional'), undefined);
  registry.setEnabled('optional', true);
  assert.deepEqual(registry.enabledNames(), ['optional', 'host']);
  assert.throws(() => registry.register(fixed('host')), /collector host is already registered/);
  assert.throws(() => registry.register(fixed('Bad-Name')), /collector name "Bad-Name": use lower-case snake case/);
  assert.throws(() => registry.setEnabled('nope', true), /no collector named "nope" \(known: optional, host\)/);
  assert.throws(() => registry.register({ ...fixed('t'), timeoutMs: 0 }), /timeoutMs must be a positive number/);
});

test('constant labels: one collector per target, each sample and health series labelled, identity = name + labels', async () => {
  const { logged, registry } = setUp();
  const SHARE: MetricDeclaration = { prometheusName: 'test_share', type: 'gauge', help: 'A share.', labelNames: ['role'] };
  const agent = (value: number, failing = false): Collector => ({
    name: 'agent',
    enabledByDefault: true,
    collect: () => {
      if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      return [{ metric: SHARE, labels: { role: 'web' }, value }];
    },
  });
  registry.register(agent(1), { labels: { node: '10.0.0.1:5051' } });
  registry.register(agent(2), { labels: { node: '10.0.0.2:5051' } });
  registry.register(agent(0, true), { labels: { node: '10.0.0.3:5051' } });
  assert.deepEqual(registry.enabledNames(), ['agent']);
  assert.throws(() => registry.register(agent(3), { labels: { node: '10.0.0.1:5051' } }), /collector agent\{node="10\.0\.0\.1:5051"\} is already registered/);

  for (let i = 0; i < 3; i++) {
    const r = await registry.scrape();
    const shares = r.samples.filter((s) => s.metric.prometheusName === 'test_share');
    assert.deepEqual(shares.map((s) => [s.labels, s.value]), [
      [{ role: 'web', node: '10.0.0.1:5051' }, 1],
      [{ role: 'web', node: '10.0.0.2:5051' }, 2],
    ]);
    // The labelled declaration lists the constant label, so the strict check still holds downstream.
    for (const s of r.samples) assertValidSample(s);
    assert.equal(shares[0]!.metric, shares[1]!.metric, 'one declaration per family and label set');
    const ups = r.samples.filter((s) => s.metric.prometheusName === 'minidc_collector_up');
    assert.deepEqual(ups.map((s) => [s.labels, s.value]), [
      [{ collector: 'agent', node: '10.0.0.1:5051' }, 1],
      [{ collector: 'agent', node: '10.0.0.2:5051' }, 1],
      [{ collector: 'agent', node: '10.0.0.3:5051' }, 0],
    ]);
    assert.deepEqual(r.collectors.map((c) => c.labels.node), ['10.0.0.1:5051', '10.0.0.2:5051', '10.0.0.3:5051']);
  }
  assert.deepEqual(logged, [{ level: 'error', message: 'collector agent{node="10.0.0.3:5051"} failed: connect ECONNREFUSED 127.0.0.1:1' }]);

  registry.unregister('agent', { labels: { node: '10.0.0.3:5051' } });
  const after = await registry.scrape();
  assert.equal(after.collectors.length, 2);
  assert.throws(() => registry.unregister('agent', { labels: { node: '10.0.0.3:5051' } }), /no collector agent\{node="10\.0\.0\.3:5051"\} is registered/);
  registry.setEnabled('agent', false);
  assert.deepEqual((await registry.scrape()).collectors, []);
});

test('constant labels: the exposition renders several targets of one collector without a clash', async () => {
  const { registry } = setUp();
  for (const node of ['10.0.0.1:5051', '10.0.0.2:5051']) registry.register(fixed('agent'), { labels: { node } });
  const text = await renderExposition((await registry.scrape()).samples);
  assert.match(text, /^test_answer\{node="10\.0\.0\.1:5051"\} 42$/m);
  assert.match(text, /^test_answer\{node="10\.0\.0\.2:5051"\} 42$/m);
  assert.match(text, /^minidc_collector_up\{collector="agent",node="10\.0\.0\.2:5051"\} 1$/m);
});

test('constant labels: a sample setting one itself, or a clashing or invalid label name, is a clear error', async () => {
  const { logged, registry } = setUp();
  const NODE: MetricDeclaration = { prometheusName: 'test_node_health', type: 'gauge', help: 'Per node.', labelNames: ['node'] };
  registry.register({ name: 'units', enabledByDefault: true, collect: () => [{ metric: NODE, labels: { node: 'a' }, value: 0 }] }, { labels: { node: 'b' } });
  registry.register({ name: 'sneaky', enabledByDefault: true, collect: () => [{ metric: ANSWER, labels: { node: 'a' }, value: 0 }] }, { labels: { node: 'b' } });
  const r = await registry.scrape();
  assert.deepEqual(r.collectors.map((c) => c.up), [false, false]);
  assert.match(logged[0]?.message ?? '', /test_node_health: declares label node, which the registry sets for this collector/);
  assert.match(logged[1]?.message ?? '', /test_answer: labels undeclared node/);
  assert.throws(() => registry.register(fixed('x'), { labels: { collector: 'y' } }), /label collector is set by the registry/);
  assert.throws(() => registry.register(fixed('x'), { labels: { 'bad-name': 'y' } }), /invalid label name "bad-name"/);
  assert.throws(() => registry.register(fixed('x'), { labels: { __name__: 'y' } }), /invalid label name "__name__"/);
  assert.throws(() => registry.register(fixed('x')), /collector x: constant labels \[\] differ from the other collectors' \[node\]/);
  assert.throws(() => registry.register(fixed('x'), { labels: { node: 'c', zone: 'z' } }), /constant labels \[node,zone\] differ/);
});
