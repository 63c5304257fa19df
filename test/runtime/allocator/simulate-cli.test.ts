// The allocator's behaviour as operators see it: scenarios through `minidc allocator simulate`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minidc, simulate } from '../../support/minidc-cli.ts';

interface OfferLine {
  framework: string;
  agent: string;
  role: string;
  resources: string;
}
type Output = { event: number; offers?: OfferLine[]; metrics?: Record<string, number> };

const run = (events: unknown[], extra: Record<string, unknown> = {}) => simulate({ ...extra, events }) as Output[];
const brief = (o: Output) => (o.offers ?? []).map((x) => `${x.framework}@${x.agent}:${x.resources}`).sort();
const agents = (n: number, resources: string) =>
  Array.from({ length: n }, (_, i) => ({ op: 'add_agent', agent: `a${i + 1}`, resources }));

test('coarse-grained: each framework gets one whole agent', () => {
  const out = run([
    ...agents(2, 'cpus:2;mem:1024;ports:[31000-31001]'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
    { op: 'allocate' },
  ]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.event, 4);
  const offers = out[0]!.offers!;
  assert.equal(offers.length, 2);
  assert.deepEqual(offers.map((o) => o.framework).sort(), ['f1', 'f2']);
  assert.notEqual(offers[0]!.agent, offers[1]!.agent);
  for (const o of offers) assert.equal(o.resources, 'cpus:2;mem:1024;ports:[31000-31001]');
});

test('offered resources stay allocated until recovered', () => {
  const out = run([
    ...agents(1, 'cpus:2;mem:1024'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'allocate' },
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', framework: 'f1', resources: 'cpus:1;mem:512' },
    { op: 'allocate' },
  ]);
  assert.deepEqual(out.map(brief), [['f1@a1:cpus:2;mem:1024'], [], ['f1@a1:cpus:1;mem:512']]);
});

test('weights: a role with weight 3 gets three of four equal agents', () => {
  const events = [
    ...agents(4, 'cpus:1;mem:100'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
  ];
  const count = (out: Output[]) => out[0]!.offers!.filter((o) => o.role === 'r1').length;
  assert.equal(count(run([...events, { op: 'allocate' }])), 2);
  assert.equal(count(run([...events, { op: 'update_weight', role: 'r1', weight: 3 }, { op: 'allocate' }])), 3);
});

test('reserved resources go only to their role (and its subroles)', () => {
  const out = run([
    { op: 'add_agent', agent: 'a1', resources: 'cpus:1;mem:512;cpus(r1):4;mem(r1):256' },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
    { op: 'allocate' },
    { op: 'add_framework', framework: 'f1', roles: ['r1/dev'] },
    { op: 'allocate' },
  ]);
  assert.deepEqual(out.map(brief), [['f2@a1:cpus:1;mem:512'], ['f1@a1:cpus(r1):4;mem(r1):256']]);
  assert.equal(out[1]!.offers![0]!.role, 'r1/dev');
});

test('decline filters: refuse_seconds, expiry by the clock, at least one allocation interval', () => {
  const base = [...agents(1, 'cpus:2;mem:1024'), { op: 'add_framework', framework: 'f1', roles: ['r1'] }];
  const out = run([
    ...base,
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', framework: 'f1', refuse_seconds: 10 },
    { op: 'allocate' },
    { op: 'advance', seconds: 9.9 },
    { op: 'allocate' },
    { op: 'advance', seconds: 0.1 },
    { op: 'allocate' },
  ]);
  assert.deepEqual(out.map((o) => brief(o).length), [1, 0, 0, 1]);

  // A filter shorter than the allocation interval lasts one interval (MESOS-4302), and still holds for the batch
  // run at that instant (its timer was armed before the filter's); it is gone after that run.
  const short = run(
    [
      ...base,
      { op: 'allocate' },
      { op: 'recover', agent: 'a1', framework: 'f1', refuse_seconds: 1 },
      { op: 'advance', seconds: 1 },
      { op: 'allocate' },
      { op: 'advance', seconds: 29 },
      { op: 'allocate' },
      { op: 'allocate' },
    ],
    { flags: { allocation_interval: '30secs' } },
  );
  assert.deepEqual(short.map((o) => brief(o).length), [1, 0, 0, 1]);

  // A filter only covers what was refused: more resources than that are offered again.
  const bigger = run([
    ...base,
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', framework: 'f1', resources: 'cpus:1;mem:512', refuse_seconds: 100 },
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', framework: 'f1' },
    { op: 'allocate' },
  ]);
  assert.deepEqual(bigger.map(brief), [['f1@a1:cpus:2;mem:1024'], [], ['f1@a1:cpus:2;mem:1024']]);
});

test('a filtered framework is passed over for the next one in DRF order', () => {
  const out = run([
    ...agents(1, 'cpus:2;mem:1024'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'add_framework', framework: 'f2', roles: ['r1'] },
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', framework: 'f1', refuse_seconds: 60 },
    { op: 'allocate' },
  ]);
  assert.deepEqual(out.map((o) => o.offers!.map((x) => x.framework)), [['f1'], ['f2']]);
});

test('suppress stops offers; revive resumes them and clears filters', () => {
  const out = run([
    ...agents(1, 'cpus:2;mem:1024'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'suppress', framework: 'f1' },
    { op: 'allocate' },
    { op: 'revive', framework: 'f1' },
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', framework: 'f1', refuse_seconds: 3600 },
    { op: 'allocate' },
    { op: 'revive', framework: 'f1' },
    { op: 'allocate' },
  ]);
  assert.deepEqual(out.map((o) => brief(o).length), [0, 1, 0, 1]);
});

test('min allocatable resources: tiny leftovers are not offered unless the flag allows', () => {
  const events = [
    ...agents(1, 'cpus:0.005;mem:16'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'allocate' },
  ];
  assert.equal(brief(run(events)[0]!).length, 0);
  assert.equal(brief(run(events, { flags: { min_allocatable_resources: 'mem:16' } })[0]!).length, 1);
});

test('quota: guarantees are served first and headroom is held back for a role with no framework yet', () => {
  const first = run([
    ...agents(2, 'cpus:1;mem:512'),
    { op: 'set_quota', role: 'r1', guarantee: 'cpus:2;mem:1024' },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'allocate' },
  ]);
  assert.deepEqual(first[0]!.offers!.map((o) => o.framework), ['f1', 'f1']);

  const held = run([
    ...agents(3, 'cpus:1;mem:512'),
    { op: 'set_quota', role: 'r1', guarantee: 'cpus:2;mem:1024' },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
    { op: 'allocate' },
    { op: 'metrics' },
  ]);
  assert.equal(held[0]!.offers!.length, 1, 'two agents stay back for r1');
  const m = held[1]!.metrics!;
  assert.equal(m['allocator/mesos/quota/roles/r1/resources/cpus/guarantee'], 2);
  assert.equal(m['allocator/mesos/quota/roles/r1/resources/mem/guarantee'], 1024);
  assert.equal(m['allocator/mesos/quota/roles/r1/resources/cpus/offered_or_allocated'], 0);
});

test('removing a framework or an agent returns or drops its resources', () => {
  const out = run([
    ...agents(2, 'cpus:1;mem:512'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'allocate' },
    { op: 'remove_framework', framework: 'f1' },
    { op: 'remove_agent', agent: 'a2' },
    { op: 'add_framework', framework: 'f2', roles: ['r1'] },
    { op: 'allocate' },
  ]);
  assert.deepEqual(out.map(brief), [['f1@a1:cpus:1;mem:512', 'f1@a2:cpus:1;mem:512'], ['f2@a1:cpus:1;mem:512']]);
});

test('metrics: allocator keys with live values', () => {
  const out = run([
    ...agents(2, 'cpus:4;mem:1024;disk:100'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
    { op: 'update_weight', role: 'r2', weight: 2 },
    { op: 'metrics' },
    { op: 'allocate' },
    { op: 'allocate' },
    { op: 'recover', agent: 'a1', refuse_seconds: 100 },
    { op: 'metrics' },
  ]);
  const before = out[0]!.metrics!;
  assert.equal(before['allocator/mesos/allocation_runs'], 0);
  assert.equal(before['allocator/mesos/allocation_run_ms'], undefined, 'no timer value before the first run');
  const m = out[3]!.metrics!;
  assert.equal(m['allocator/mesos/allocation_runs'], 2);
  assert.equal(typeof m['allocator/mesos/allocation_run_ms'], 'number');
  assert.equal(m['allocator/mesos/allocation_run_ms/count'], 2);
  assert.ok(m['allocator/mesos/allocation_run_ms/p50']! <= m['allocator/mesos/allocation_run_ms/max']!);
  assert.equal(m['allocator/mesos/resources/cpus/total'], 8);
  assert.equal(m['allocator/mesos/resources/mem/total'], 2048);
  assert.equal(m['allocator/mesos/resources/disk/total'], 200);
  assert.equal(m['allocator/mesos/resources/cpus/offered_or_allocated'], 4, 'a1 came back, a2 is still offered');
  // Whoever holds a2 has half the cluster; r2's share is divided by its weight of 2.
  const holder = out[1]!.offers!.find((o) => o.agent === 'a2')!.role;
  const other = holder === 'r1' ? 'r2' : 'r1';
  assert.equal(m[`allocator/mesos/roles/${holder}/shares/dominant`], holder === 'r1' ? 0.5 : 0.25);
  assert.equal(m[`allocator/mesos/roles/${other}/shares/dominant`], 0);
  const filterRole = out[1]!.offers!.find((o) => o.agent === 'a1')!.role;
  assert.equal(m[`allocator/mesos/offer_filters/roles/${filterRole}/active`], 1);
  assert.deepEqual(Object.keys(m), Object.keys(m).sort(), 'keys come sorted, like Mesos');
});

test('the same seed gives the same offers', () => {
  const events = [
    ...agents(6, 'cpus:1;mem:100'),
    { op: 'add_framework', framework: 'f1', roles: ['r1'] },
    { op: 'add_framework', framework: 'f2', roles: ['r2'] },
    { op: 'add_framework', framework: 'f3', roles: ['r3'] },
    { op: 'allocate' },
  ];
  assert.deepEqual(run(events, { seed: 7 }), run(events, { seed: 7 }));
});

test('malformed scenarios: one line on stderr naming the event, nothing printed after it', () => {
  const cases: [string, RegExp, number][] = [
    ['{"events": [', /not valid JSON/, 0],
    ['{"nope": []}', /needs an "events" array/, 0],
    [
      JSON.stringify({ events: [...agents(1, 'cpus:1;mem:64'), { op: 'add_framework', framework: 'f', roles: ['r'] }, { op: 'allocate' }, { op: 'explode' }, { op: 'allocate' }] }),
      /^minidc: event 3: unknown op "explode"$/,
      1,
    ],
    [JSON.stringify({ events: [{ op: 'remove_agent', agent: 'ghost' }] }), /^minidc: event 0: unknown agent 'ghost'$/, 0],
    [JSON.stringify({ events: [{ op: 'add_agent', agent: 'a', resources: 'cpus:lots' }] }), /^minidc: event 0: bad resource 'cpus:lots'/, 0],
    [JSON.stringify({ events: [{ op: 'recover', agent: 'a' }] }), /event 0: unknown agent 'a'/, 0],
    [JSON.stringify({ events: [{ op: 'advance', seconds: -1 }] }), /event 0: 'seconds' must be a number >= 0/, 0],
    [JSON.stringify({ flags: { allocation_interval: 'soon' }, events: [] }), /flag 'allocation_interval': invalid duration/, 0],
    [
      JSON.stringify({ events: [...agents(1, 'cpus:1;mem:64'), { op: 'add_framework', framework: 'f', roles: ['r'] }, { op: 'recover', agent: 'a1', framework: 'f', resources: 'cpus:1' }] }),
      /event 2: framework 'f' does not hold cpus:1 on agent 'a1'/,
      0,
    ],
  ];
  for (const [input, message, linesBefore] of cases) {
    const r = minidc(['allocator', 'simulate', '-'], input);
    assert.notEqual(r.status, 0, input);
    const errLines = r.stderr.trimEnd().split('\n');
    assert.equal(errLines.length, 1, r.stderr);
    assert.match(errLines[0]!, message);
    assert.equal(r.stdout.split('\n').filter((l) => l !== '').length, linesBefore, input);
  }
});

test('reads a scenario file and documents itself with --help', () => {
  const help = minidc(['allocator', 'simulate', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: minidc allocator simulate/);
  const missing = minidc(['allocator', 'simulate', '/nonexistent/scenario.json']);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'minidc: cannot read /nonexistent/scenario.json: ENOENT\n');
});
