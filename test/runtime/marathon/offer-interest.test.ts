import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OfferInterest } from '../../../runtime/marathon/offer-interest.ts';

test('offers are suppressed while nothing waits and revived for new demand or a delay run out', () => {
  const interest = new OfferInterest();
  assert.equal(interest.decide(0), 'suppress');
  assert.equal(interest.decide(0), undefined);
  assert.equal(interest.decide(2), 'revive', 'suppressed and now wanted');
  assert.equal(interest.decide(1), undefined, 'the offers already coming serve what is left');
  assert.equal(interest.decide(3), undefined, 'a higher count alone is no new demand');
  interest.wantRevive();
  assert.equal(interest.decide(1), 'revive');
  interest.wantRevive();
  assert.equal(interest.decide(0), 'suppress', 'nothing launchable yet (a delay): the revive waits');
  assert.equal(interest.decide(1), 'revive');
  interest.reset();
  assert.equal(interest.decide(1), 'revive');
});
