// Scenarios translated from Mesos's hierarchical allocator tests (see conformance/NOTES.md), run through the CLI.
// Offers are compared per allocation as sets, resources as parsed quantities; metrics as a subset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { simulate } from '../../support/minidc-cli.ts';

interface OfferLine {
  framework: string;
  agent: string;
  role: string;
  resources: string;
}
interface Expected {
  event: number;
  offers?: OfferLine[];
  metrics?: Record<string, number>;
}
interface ConformanceCase {
  mesos_test: string;
  description: string;
  scenario: unknown;
  expected: Expected[];
}

const dir = fileURLToPath(new URL('./conformance/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

const canonical = (offers: OfferLine[]) =>
  offers.map((o) => `${o.framework} ${o.agent} ${o.role} ${Resources.parse(o.resources).toString()}`).sort();

test('conformance scenarios are present', () => {
  assert.ok(files.length >= 30, `found ${files.length}`);
});

for (const file of files) {
  const c = JSON.parse(readFileSync(dir + file, 'utf8')) as ConformanceCase;
  test(`${c.mesos_test} (${file})`, () => {
    const actual = simulate(c.scenario) as Expected[];
    // Every allocate is printed; metrics lines only where the case asserts some.
    const allocations = actual.filter((a) => a.offers !== undefined);
    const expectedAllocations = c.expected.filter((e) => e.offers !== undefined);
    assert.deepEqual(
      allocations.map((a) => a.event),
      expectedAllocations.map((e) => e.event),
      'one output line per allocate event',
    );
    for (const e of c.expected) {
      const a = actual.find((x) => x.event === e.event);
      assert.ok(a, `no output for event ${e.event}`);
      if (e.offers) assert.deepEqual(canonical(a.offers!), canonical(e.offers), `offers at event ${e.event}`);
      if (e.metrics) {
        for (const [k, v] of Object.entries(e.metrics))
          assert.equal(a.metrics?.[k], v, `metric ${k} at event ${e.event}`);
      }
    }
  });
}
