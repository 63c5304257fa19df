import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeDomainFragment, sanitizeLabel } from '../../../runtime/dns/mesos-dns/labels.ts';
import { TaskHashCache, taskIdHash, zbase32 } from '../../../runtime/dns/mesos-dns/zbase32.ts';

test('RFC 1123 labels as Mesos-DNS sanitises them', () => {
  assert.equal(sanitizeLabel('-4abc123'), '4abc123');
  assert.equal(sanitizeLabel('apiserver.myservice'), 'apiserver-myservice');
  assert.equal(sanitizeLabel('My_App$1'), 'my-app1');
  assert.equal(sanitizeLabel('---'), '');
  assert.equal(sanitizeLabel('a'.repeat(70)), 'a'.repeat(63));
  // Cut at 63 lands on dashes: they are trimmed and the label refilled from what follows the cut.
  const name = `${'a'.repeat(61)}---bcdef`;
  assert.equal(sanitizeLabel(name), `${'a'.repeat(61)}bc`);
  assert.ok(sanitizeLabel(name).length <= 63);
});

test('RFC 952 mode drops leading digits and keeps 24 characters', () => {
  assert.equal(sanitizeLabel('chronos with a space AND MIXED CASE-2.0.1', 'rfc952'), 'chronoswithaspaceandmixe');
  assert.equal(sanitizeLabel('-4abc123', 'rfc952'), 'abc123');
});

test('framework names keep their dots as label separators', () => {
  assert.equal(sanitizeDomainFragment('pod_123$abc.marathon-0.6.0-dev.mesos'), 'pod-123abc.marathon-0.6.0-dev.mesos');
  assert.equal(sanitizeDomainFragment('pod_123$abc.marathon-0.6.0-dev.mesos', 'rfc952'), 'pod-123abc.marathon-0.dev.mesos');
  assert.equal(sanitizeDomainFragment('marathon..prod.'), 'marathon.prod');
});

test('z-base-32 test vectors and the five-character task hash', () => {
  assert.equal(zbase32(Buffer.from([0xf0, 0xbf, 0xc7])), '6n9hq');
  assert.equal(zbase32(Buffer.from([0xd4, 0x7a, 0x04])), '4t7ye');
  const h = taskIdHash('nginx.1');
  assert.match(h, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{5}$/);
  assert.equal(h, taskIdHash('nginx.1'));
  assert.notEqual(h, taskIdHash('nginx.2'));
  const cache = new TaskHashCache();
  assert.equal(cache.get('nginx.1'), h);
  cache.rotate();
  assert.equal(cache.get('nginx.1'), h);
});
