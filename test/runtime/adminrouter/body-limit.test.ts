// Request bodies through Admin Router are limited (adminrouter_max_body_size_mb): a declared Content-Length over the
// limit is refused before the upstream hears of it, a chunked body is cut where it passes the limit; both 413 JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { echoUpstream, FakeUpstreams, getJson, NO_HANG, serve, startAdminRouter, type Echo } from './adminrouter-fixtures.ts';

const LIMIT = 64 * 1024;

/** Sends `chunks` chunks of 16 KiB (chunked encoding) and resolves with the status and body of the answer. */
function postChunked(url: string, chunks: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (body += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may close while we still send: that is what a cut body looks like from here.
    req.on('error', reject);
    let sent = 0;
    const next = () => {
      if (sent === chunks) return req.end();
      sent++;
      if (req.write(Buffer.alloc(16 * 1024, 1))) setImmediate(next);
      else req.once('drain', next);
    };
    next();
  });
}

test('a Content-Length over the limit: 413 naming the limit, connection closed, the upstream never asked', NO_HANG, async (t) => {
  let asked = 0;
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.marathon = await serve(t, (_req, res) => {
    asked++;
    res.end('{}');
  });
  const { url } = await startAdminRouter(t, 'master', upstreams, { maxBodyBytes: LIMIT });
  const r = await getJson<{ message: string }>(`${url}/service/marathon/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: '/big', cmd: 'x'.repeat(LIMIT) }),
  });
  assert.equal(r.status, 413);
  assert.equal(r.headers.get('connection'), 'close');
  assert.match(r.body.message, new RegExp(`at most ${LIMIT} bytes`));
  assert.equal(asked, 0);
});

test('a chunked body is counted while it streams: cut past the limit with 413; one within it arrives whole', NO_HANG, async (t) => {
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.marathon = await echoUpstream(t, 'marathon');
  const { url } = await startAdminRouter(t, 'master', upstreams, { maxBodyBytes: LIMIT });
  const within = await postChunked(`${url}/service/marathon/v2/apps`, 4);
  assert.equal(within.status, 200, within.body);
  assert.equal((JSON.parse(within.body) as Echo).bodyBytes, LIMIT);
  const over = await postChunked(`${url}/service/marathon/v2/apps`, 5);
  assert.equal(over.status, 413, over.body);
  assert.match((JSON.parse(over.body) as { message: string }).message, /^Payload Too Large: .* at most 65536 bytes$/);
});

test('the default limit is 1 GiB: a 2 MiB body (over the server\'s own 1 MiB parse limit) passes', NO_HANG, async (t) => {
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.marathon = await echoUpstream(t, 'marathon');
  const { url } = await startAdminRouter(t, 'master', upstreams);
  const r = await getJson<Echo>(`${url}/service/marathon/v2/apps`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
  assert.equal(r.status, 200);
  assert.equal(r.body.bodyBytes, 2 * 1024 * 1024);
});
