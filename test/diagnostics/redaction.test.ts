// The bundle redaction stream: known secrets and secret-looking KEY=value / "key": "value" shapes are replaced,
// also when the stream cuts them into tiny chunks; everything else passes byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { Redaction, redactText, secretsFrom } from '../../diagnostics/bundles/content/redaction.ts';

/** Streams `text` through a Redaction in chunks of `size` bytes. */
async function redactInChunks(text: string, secrets: string[], size: number): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const redaction = new Redaction(secrets);
  const out = buffer(redaction);
  await pipeline(Readable.from(chunks), redaction);
  return (await out).toString('utf8');
}

const SECRET = 'hunter2-s3cr3t-value';

test('a known secret is replaced wherever it occurs, also split across 1-, 2- and 7-byte chunks', async () => {
  const text = `start ${SECRET} middle ü ${SECRET}${SECRET} x=${SECRET}&y=1 end\n`;
  for (const size of [1, 2, 7, 1024]) {
    const out = await redactInChunks(text, [SECRET], size);
    assert.equal(out, 'start [REDACTED] middle ü [REDACTED][REDACTED] x=[REDACTED]&y=1 end\n', `chunks of ${size}`);
  }
});

test('the JSON-escaped spelling of a secret is replaced too', async () => {
  const secret = 'pa"ss\\word';
  const out = await redactInChunks(JSON.stringify({ note: `x ${secret} y` }), [secret], 3);
  assert.equal(out, '{"note":"x [REDACTED] y"}');
});

test('secret-looking KEY=value and "key": "value" shapes are redacted without knowing the value, in tiny chunks', async () => {
  const text = [
    'HOME=/root',
    'DB_PASSWORD=not-listed-1',
    'export MESOS_AUTH_TOKEN="not listed 2"',
    "/usr/bin/app --api-key=not-listed-3 --port=80",
    '{"env":{"AWS_SECRET_ACCESS_KEY":"not-listed-4","PATH":"/bin"},"authenticate_agents":"false","x":1}',
    '"private_key" : "-----BEGIN\\nabc\\n-----END"',
  ].join('\n');
  const expected = [
    'HOME=/root',
    'DB_PASSWORD=[REDACTED]',
    'export MESOS_AUTH_TOKEN="[REDACTED]"',
    '/usr/bin/app --api-key=[REDACTED] --port=80',
    '{"env":{"AWS_SECRET_ACCESS_KEY":"[REDACTED]","PATH":"/bin"},"authenticate_agents":"false","x":1}',
    '"private_key" : "[REDACTED]"',
  ].join('\n');
  for (const size of [1, 5, 4096]) assert.equal(await redactInChunks(text, [], size), expected, `chunks of ${size}`);
  assert.equal(redactText(text, []), expected);
});

test('a known secret inside a harmless-looking value is still caught', async () => {
  assert.equal(await redactInChunks(`URL=http://u:${SECRET}@h/ ok`, [SECRET], 2), 'URL=http://u:[REDACTED]@h/ ok');
});

test('bytes that are not UTF-8 pass unchanged', async () => {
  const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0x80]);
  const redaction = new Redaction([SECRET]);
  const out = buffer(redaction);
  await pipeline(Readable.from([bytes]), redaction);
  assert.deepEqual(await out, bytes);
});

test('secretsFrom takes secret-named config keys at any depth, environment variables, and the passwords of URLs with credentials, 4 bytes or longer', () => {
  const config = {
    cluster_name: 'minidc',
    nested: { zk_password: 'zk-pass-1', list: [{ api_key: 'k-123456' }] },
    credentials: { principal: 'ops-principal', secret: 'cred-secret' },
    auth_token: 'abc',
    authentication_timeout: 3000,
    signal_endpoint: 'https://reporter:s3gment-key@segment.example/v1/batch',
    mesos_url: 'http://127.0.0.1:5050',
  };
  const env = { PATH: '/usr/bin', MY_API_TOKEN: 'env-token-9', GITHUB_AUTH: 'gh-1234', SHORT_SECRET: 'xy', HTTPS_PROXY: 'http://me:pr%40xy@proxy:3128' };
  assert.deepEqual(
    secretsFrom(config, env, ['explicit-1']).sort(),
    ['cred-secret', 'env-token-9', 'explicit-1', 'gh-1234', 'k-123456', 'ops-principal', 'zk-pass-1', 's3gment-key', 'reporter:s3gment-key', 'pr%40xy', 'me:pr%40xy', 'pr@xy', 'me:pr@xy'].sort(),
  );
});
