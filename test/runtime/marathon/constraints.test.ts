import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConstraintErrors,
  matchesConstraints,
  readConstraint,
  type Constraint,
  type PlacementNode,
} from '../../../runtime/marathon/constraints.ts';
import { ValidationErrors } from '../../../runtime/marathon/validation-errors.ts';

function read(raw: unknown): { constraint?: Constraint; errors: Record<string, readonly string[]> } {
  const errors = new ValidationErrors();
  const constraint = readConstraint(raw, '/constraints(0)', errors);
  const details = errors.isEmpty ? [] : errors.toError().details;
  return { ...(constraint ? { constraint } : {}), errors: Object.fromEntries(details.map((d) => [d.path, d.errors])) };
}

function node(hostname: string, attributes: Record<string, string> = {}): PlacementNode {
  return { hostname, attributes };
}

test('valid constraints parse to their array form', () => {
  assert.deepEqual(read(['hostname', 'UNIQUE']).constraint, ['hostname', 'UNIQUE']);
  assert.deepEqual(read(['rack', 'CLUSTER']).constraint, ['rack', 'CLUSTER']);
  assert.deepEqual(read(['rack', 'CLUSTER', 'r1']).constraint, ['rack', 'CLUSTER', 'r1']);
  assert.deepEqual(read(['rack', 'GROUP_BY']).constraint, ['rack', 'GROUP_BY']);
  assert.deepEqual(read(['rack', 'GROUP_BY', '3']).constraint, ['rack', 'GROUP_BY', '3']);
  assert.deepEqual(read(['rack', 'MAX_PER', '2']).constraint, ['rack', 'MAX_PER', '2']);
  assert.deepEqual(read(['rack', 'LIKE', 'rack-[0-9]+']).constraint, ['rack', 'LIKE', 'rack-[0-9]+']);
  assert.deepEqual(read(['rack', 'UNLIKE', '.*-old']).constraint, ['rack', 'UNLIKE', '.*-old']);
  assert.deepEqual(read(['public_ip', 'IS', 'true']).constraint, ['public_ip', 'IS', 'true']);
});

test('invalid constraints name the problem at the constraint path', () => {
  const at = (error: string) => ({ '/constraints(0)': [error] });
  assert.deepEqual(read(['hostname']).errors, at(ConstraintErrors.arity));
  assert.deepEqual(read(['a', 'CLUSTER', 'b', 'c']).errors, at(ConstraintErrors.arity));
  assert.deepEqual(read(['', 'UNIQUE']).errors, at(ConstraintErrors.missingField));
  assert.deepEqual(read(['hostname', 'unique']).errors, at(ConstraintErrors.unknownOperator));
  assert.deepEqual(read(['hostname', 'UNIQUE', 'x']).errors, at(ConstraintErrors.valueNotUsed));
  assert.deepEqual(read(['os', 'IS']).errors, at(ConstraintErrors.missingValue));
  assert.deepEqual(read(['rack', 'GROUP_BY', 'three']).errors, at(ConstraintErrors.groupByNotNumber));
  assert.deepEqual(read(['rack', 'MAX_PER']).errors, at(ConstraintErrors.maxPerNotNumber));
  assert.deepEqual(read(['rack', 'MAX_PER', '1.5']).errors, at(ConstraintErrors.maxPerNotNumber));
  assert.deepEqual(read(['rack', 'LIKE']).errors, at(ConstraintErrors.missingRegex));
  assert.deepEqual(read(['rack', 'UNLIKE', '(unclosed']).errors, at(ConstraintErrors.invalidRegex('(unclosed')));
  assert.deepEqual(read('hostname:UNIQUE').errors, { '/constraints(0)': ['error.expected.jsarray'] });
  assert.deepEqual(read(['hostname', 1]).errors, { '/constraints(0)(1)': ['error.expected.jsstring'] });
});

test('UNIQUE hostname: one task per agent', () => {
  const unique: Constraint[] = [['hostname', 'UNIQUE']];
  assert.equal(matchesConstraints(unique, node('a1'), []), true);
  assert.equal(matchesConstraints(unique, node('a1'), [node('a2')]), true);
  assert.equal(matchesConstraints(unique, node('a1'), [node('a2'), node('a1')]), false);
  // @hostname is the newer spelling of the field.
  assert.equal(matchesConstraints([['@hostname', 'UNIQUE']], node('a1'), [node('a1')]), false);
});

test('UNIQUE attribute: one task per attribute value', () => {
  const perRack: Constraint[] = [['rack', 'UNIQUE']];
  assert.equal(matchesConstraints(perRack, node('a1', { rack: 'r1' }), [node('a2', { rack: 'r2' })]), true);
  assert.equal(matchesConstraints(perRack, node('a1', { rack: 'r1' }), [node('a2', { rack: 'r1' })]), false);
  // An agent without the attribute cannot satisfy it.
  assert.equal(matchesConstraints(perRack, node('a1'), []), false);
});

test('CLUSTER with a value pins tasks to matching agents (public agents)', () => {
  const publicOnly: Constraint[] = [['public_ip', 'CLUSTER', 'true']];
  assert.equal(matchesConstraints(publicOnly, node('pub1', { public_ip: 'true' }), []), true);
  assert.equal(matchesConstraints(publicOnly, node('priv1', { public_ip: 'false' }), []), false);
  assert.equal(matchesConstraints(publicOnly, node('priv2'), []), false);
  assert.equal(matchesConstraints([['hostname', 'CLUSTER', 'a1']], node('a1'), []), true);
  assert.equal(matchesConstraints([['hostname', 'CLUSTER', 'a1']], node('a2'), []), false);
});

test('CLUSTER without a value follows the first placement', () => {
  const sameRack: Constraint[] = [['rack', 'CLUSTER']];
  assert.equal(matchesConstraints(sameRack, node('a1', { rack: 'r2' }), []), true);
  assert.equal(matchesConstraints(sameRack, node('a1', { rack: 'r2' }), [node('a9', { rack: 'r2' })]), true);
  assert.equal(matchesConstraints(sameRack, node('a1', { rack: 'r1' }), [node('a9', { rack: 'r2' })]), false);
  const sameHost: Constraint[] = [['hostname', 'CLUSTER']];
  assert.equal(matchesConstraints(sameHost, node('a1'), [node('a1')]), true);
  assert.equal(matchesConstraints(sameHost, node('a2'), [node('a1')]), false);
});

test('IS matches an exact attribute value', () => {
  const linux: Constraint[] = [['os', 'IS', 'linux']];
  assert.equal(matchesConstraints(linux, node('a1', { os: 'linux' }), []), true);
  assert.equal(matchesConstraints(linux, node('a1', { os: 'linux-rt' }), []), false);
  assert.equal(matchesConstraints(linux, node('a1'), []), false);
});

test('LIKE / UNLIKE match the whole value against the regex', () => {
  const like: Constraint[] = [['rack', 'LIKE', 'rack-[1-3]']];
  assert.equal(matchesConstraints(like, node('a', { rack: 'rack-2' }), []), true);
  assert.equal(matchesConstraints(like, node('a', { rack: 'rack-4' }), []), false);
  assert.equal(matchesConstraints(like, node('a', { rack: 'rack-22' }), []), false, 'partial matches do not count');
  assert.equal(matchesConstraints(like, node('a'), []), false);
  const unlike: Constraint[] = [['rack', 'UNLIKE', 'rack-[7-9]']];
  assert.equal(matchesConstraints(unlike, node('a', { rack: 'rack-8' }), []), false);
  assert.equal(matchesConstraints(unlike, node('a', { rack: 'rack-1' }), []), true);
  assert.equal(matchesConstraints(unlike, node('a'), []), true, 'a missing attribute satisfies UNLIKE');
  assert.equal(matchesConstraints([['hostname', 'LIKE', '10\\.0\\.0\\.[0-9]+']], node('10.0.0.7'), []), true);
  assert.equal(matchesConstraints([['hostname', 'LIKE', '10\\.0\\.0\\.[0-9]+']], node('10.0.1.7'), []), false);
});

test('MAX_PER caps tasks per value', () => {
  const twoPerRack: Constraint[] = [['rack', 'MAX_PER', '2']];
  const r1 = node('a1', { rack: 'r1' });
  assert.equal(matchesConstraints(twoPerRack, r1, []), true);
  assert.equal(matchesConstraints(twoPerRack, r1, [node('x', { rack: 'r1' })]), true);
  assert.equal(matchesConstraints(twoPerRack, r1, [node('x', { rack: 'r1' }), node('y', { rack: 'r1' })]), false);
  const fullR1 = [node('x', { rack: 'r1' }), node('y', { rack: 'r1' })];
  assert.equal(matchesConstraints(twoPerRack, node('a2', { rack: 'r2' }), fullR1), true);
  assert.equal(matchesConstraints([['hostname', 'MAX_PER', '1']], node('a1'), [node('a1')]), false);
});

test('GROUP_BY spreads tasks evenly over the values seen', () => {
  const byRack: Constraint[] = [['rack', 'GROUP_BY']];
  const on = (rack: string) => node(`h-${rack}`, { rack });
  // A new value is always welcome.
  assert.equal(matchesConstraints(byRack, on('r1'), []), true);
  assert.equal(matchesConstraints(byRack, on('r2'), [on('r1')]), true);
  // With r1:1 and r2:1 either is fine; with r1:2, r2:1 only r2 (the smaller group) is.
  assert.equal(matchesConstraints(byRack, on('r1'), [on('r1'), on('r2')]), true);
  assert.equal(matchesConstraints(byRack, on('r1'), [on('r1'), on('r1'), on('r2')]), false);
  assert.equal(matchesConstraints(byRack, on('r2'), [on('r1'), on('r1'), on('r2')]), true);
});

test('GROUP_BY with a group count waits for that many groups before reusing one', () => {
  const threeRacks: Constraint[] = [['rack', 'GROUP_BY', '3']];
  const on = (rack: string) => node(`h-${rack}`, { rack });
  assert.equal(matchesConstraints(threeRacks, on('r1'), [on('r1'), on('r2')]), false);
  assert.equal(matchesConstraints(threeRacks, on('r3'), [on('r1'), on('r2')]), true);
  assert.equal(matchesConstraints(threeRacks, on('r1'), [on('r1'), on('r2'), on('r3')]), true);
});

test('all constraints must hold', () => {
  const publicAndUnique: Constraint[] = [
    ['public_ip', 'CLUSTER', 'true'],
    ['hostname', 'UNIQUE'],
  ];
  const pub1 = node('pub1', { public_ip: 'true' });
  const pub2 = node('pub2', { public_ip: 'true' });
  assert.equal(matchesConstraints(publicAndUnique, pub2, [pub1]), true);
  assert.equal(matchesConstraints(publicAndUnique, pub1, [pub1]), false);
  assert.equal(matchesConstraints([], node('any'), []), true);
});
