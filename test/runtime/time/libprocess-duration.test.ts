import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLibprocessDuration } from '../../../runtime/time/libprocess-duration.ts';

const ok = (text: string) => {
  const r = parseLibprocessDuration(text);
  assert.ok(r.ok, `expected '${text}' to parse`);
  return r.nanoseconds;
};
const error = (text: string) => {
  const r = parseLibprocessDuration(text);
  assert.ok(!r.ok, `expected '${text}' to be refused`);
  return r.error;
};

test('every libprocess unit, whole and fractional', () => {
  assert.equal(ok('7ns'), 7);
  assert.equal(ok('3us'), 3_000);
  assert.equal(ok('100ms'), 100_000_000);
  assert.equal(ok('5secs'), 5_000_000_000);
  assert.equal(ok('1.5mins'), 90_000_000_000);
  assert.equal(ok('2hrs'), 7_200_000_000_000);
  assert.equal(ok('1days'), 86_400_000_000_000);
  assert.equal(ok('1weeks'), 604_800_000_000_000);
  assert.equal(ok('.5secs'), 500_000_000);
  assert.equal(ok('2.secs'), 2_000_000_000);
  assert.equal(ok('0secs'), 0);
});

test('fractions of a nanosecond are truncated, as stout stores whole nanoseconds', () => {
  assert.equal(ok('1.9ns'), 1);
});

test("stout's error texts", () => {
  assert.equal(error('bad'), "Failed to convert '' to number");
  assert.equal(error('-1secs'), "Failed to convert '' to number");
  assert.equal(error('1.2.3secs'), "Failed to convert '1.2.3' to number");
  assert.equal(error('.secs'), "Failed to convert '.' to number");
  assert.equal(error('10'), "Invalid duration '10'");
  assert.equal(error(''), "Invalid duration ''");
  assert.equal(
    error('10s'),
    "Unknown duration unit 's'; supported units are 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'",
  );
  // No space may separate number and unit, and units are case-sensitive.
  assert.match(error('10 secs'), /^Unknown duration unit ' secs'/);
  assert.match(error('10SECS'), /^Unknown duration unit 'SECS'/);
  assert.equal(error('100000weeks'), "Argument out of the range that a Duration can represent due to int64_t's size limit");
});
