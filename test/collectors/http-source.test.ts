// The observers' JSON-over-HTTP reader against a real local server: each way a source can fail gives an
// HttpSourceError naming the URL and the reason, and none of them hangs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchJson, HttpSourceError } from '../../collectors/http-source.ts';

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.setHeader('content-type', 'application/json');
        res.end('{"master/elected":1.0}');
        break;
      case '/error':
        res.statusCode = 500;
        res.end('boom');
        break;
      case '/slow-headers':
        break; // never answers
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":');
        break; // never finishes the body
      case '/big-declared':
        res.setHeader('content-length', String(2048));
        res.end('x'.repeat(2048));
        break;
      case '/big-chunked':
        // No content-length: the limit must hold while streaming.
        for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
        res.end();
        break;
      case '/bad-json':
        res.end('<html>not json</html>');
        break;
      default:
        res.statusCode = 404;
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

async function failure(path: string, options = {}): Promise<HttpSourceError> {
  const url = `${base}${path}`;
  try {
    await fetchJson(url, options);
  } catch (err) {
    assert.ok(err instanceof HttpSourceError, `expected an HttpSourceError, got ${String(err)}`);
    assert.equal(err.url, url);
    assert.ok(err.message.startsWith(`GET ${url}: `), err.message);
    return err;
  }
  assert.fail(`GET ${url} did not fail`);
}

test('a JSON body is parsed', async () => {
  assert.deepEqual(await fetchJson(`${base}/ok`), { 'master/elected': 1 });
});

test('an error status names the status', async () => {
  const err = await failure('/error');
  assert.equal(err.failure, 'status');
  assert.equal(err.status, 500);
  assert.match(err.message, /HTTP 500 Internal Server Error$/);
});

test('no response, or a body that never ends, is cut at the timeout', async () => {
  for (const path of ['/slow-headers', '/slow-body']) {
    const err = await failure(path, { timeoutMs: 200 });
    assert.equal(err.failure, 'timeout', err.message);
    assert.match(err.message, /no complete response within 200 ms$/);
  }
});

test('a body over the limit is refused, declared or streamed', async () => {
  for (const path of ['/big-declared', '/big-chunked']) {
    const err = await failure(path, { maxBytes: 1024 });
    assert.equal(err.failure, 'too-large', err.message);
    assert.match(err.message, /response larger than the 1024-byte limit$/);
  }
});

test('a body that is not JSON says so', async () => {
  const err = await failure('/bad-json');
  assert.equal(err.failure, 'bad-json');
  assert.match(err.message, /response is not JSON \(Unexpected token/);
});

test('a closed port is a network error naming the cause', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(fetchJson(`http://127.0.0.1:${port}/x`), (err: unknown) => {
    assert.ok(err instanceof HttpSourceError);
    assert.equal(err.failure, 'network');
    assert.equal(err.message, `GET http://127.0.0.1:${port}/x: ECONNREFUSED`);
    return true;
  });
});

test("the caller's signal cancels the request", async () => {
  const controller = new AbortController();
  const pending = failure('/slow-headers', { signal: controller.signal });
  controller.abort();
  const err = await pending;
  assert.equal(err.failure, 'aborted');
});

test('bad options are clear errors', async () => {
  await assert.rejects(fetchJson(`${base}/ok`, { timeoutMs: 0 }), /timeoutMs must be a positive number, got 0/);
  await assert.rejects(fetchJson(`${base}/ok`, { maxBytes: 1.5 }), /maxBytes must be a positive integer, got 1.5/);
});
