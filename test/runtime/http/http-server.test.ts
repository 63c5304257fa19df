import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { HttpError } from '../../../runtime/http/http-error.ts';
import { listenError, listenHttp } from '../../../runtime/http/listen-http.ts';
import { sendJson } from '../../../runtime/http/jsonp.ts';

async function serve(app: FastifyInstance): Promise<string> {
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  return url;
}

function testServer(internal: unknown[] = []): FastifyInstance {
  const app = createHttpServer({ bodyLimit: 64, onInternalError: (e) => internal.push(e) });
  app.post('/echo', async (request) => ({ got: request.body }));
  app.post(
    '/validated',
    { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
    async () => ({ ok: true }),
  );
  app.get('/boom', async () => {
    throw new Error('secret detail at /home/x');
  });
  app.get('/conflict', async () => {
    throw new HttpError(409, 'Framework already exists');
  });
  app.get('/json', async (request, reply) => sendJson(request, reply, { a: 1 }));
  app.delete<{ Querystring: { force: boolean; name?: string } }>(
    '/flags',
    { schema: { querystring: { type: 'object', properties: { force: { type: 'boolean', default: false }, name: { type: 'string' } } } } },
    async (request) => ({ force: request.query.force, name: request.query.name ?? null, body: request.body ?? null }),
  );
  return app;
}

test('malformed JSON is a 400 with a JSON message', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { message: string };
    assert.match(body.message, /JSON/);
  } finally {
    await app.close();
  }
});

test('a schema violation is a 400 that names the missing field', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/validated`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /name/);
  } finally {
    await app.close();
  }
});

test('a body over the limit is a 413 JSON error', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(200) }),
    });
    assert.equal(res.status, 413);
    assert.equal(typeof ((await res.json()) as { message: unknown }).message, 'string');
  } finally {
    await app.close();
  }
});

test('unknown routes are a JSON 404 naming method and path', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/x?y=1`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: 'Not found: GET /x' });
    const post = await fetch(`${url}/json`, { method: 'DELETE' });
    assert.deepEqual(await post.json(), { message: 'Not found: DELETE /json' });
  } finally {
    await app.close();
  }
});

test('an unexpected error is a bare 500: no message or stack leaks, the error goes to onInternalError', async () => {
  const internal: unknown[] = [];
  const app = testServer(internal);
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/boom`);
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.deepEqual(JSON.parse(text), { message: 'Internal Server Error' });
    assert.doesNotMatch(text, /secret|home|at /);
    assert.equal(internal.length, 1);
    assert.match((internal[0] as Error).message, /secret detail/);
  } finally {
    await app.close();
  }
});

test('an HttpError answers with its own status and message', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/conflict`);
    assert.equal(res.status, 409);
    assert.deepEqual(await res.json(), { message: 'Framework already exists' });
  } finally {
    await app.close();
  }
});

test('?jsonp wraps JSON for script tags; an unsafe callback is refused', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/json?jsonp=cb`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(await res.text(), 'cb({"a":1})');
    const bad = await fetch(`${url}/json?jsonp=${encodeURIComponent('alert(1)//')}`);
    assert.equal(bad.status, 400);
  } finally {
    await app.close();
  }
});

test('listenHttp reports the ephemeral port it got, and a taken port as one clear line', async () => {
  const first = testServer();
  const second = testServer();
  try {
    const addr = await listenHttp(first, '127.0.0.1', 0);
    assert.ok(addr.port > 0);
    assert.equal(addr.url, `http://127.0.0.1:${addr.port}`);
    assert.equal((await fetch(`${addr.url}/json`)).status, 200);
    await assert.rejects(listenHttp(second, '127.0.0.1', addr.port), {
      message: `cannot listen on 127.0.0.1:${addr.port}: address already in use`,
    });
  } finally {
    await first.close();
    await second.close();
  }
});

test('listen errors: an address this machine does not have, missing privileges, IPv6 brackets', async () => {
  // 192.0.2.0/24 is reserved for documentation, so no host has it.
  const app = testServer();
  try {
    await assert.rejects(listenHttp(app, '192.0.2.1', 0), {
      message: 'cannot listen on 192.0.2.1:0: address not available on this machine',
    });
  } finally {
    await app.close();
  }
  const eacces = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
  assert.equal(
    listenError(eacces, '::1', 80).message,
    'cannot listen on [::1]:80: permission denied (ports below 1024 need privileges)',
  );
  assert.equal(listenError(eacces, '::1', 80).cause, eacces);
  assert.equal(listenError(new Error('getaddrinfo ENOTFOUND nohost'), 'nohost', 1).message, 'cannot listen on nohost:1: getaddrinfo ENOTFOUND nohost');
});

test('a port held by another (non-HTTP) server is reported the same way', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  const app = testServer();
  try {
    await assert.rejects(listenHttp(app, '127.0.0.1', port), { message: `cannot listen on 127.0.0.1:${port}: address already in use` });
  } finally {
    await app.close();
    await new Promise((resolve) => holder.close(resolve));
  }
});

test('an unsupported body type is a 415 naming the type', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
    assert.equal(res.status, 415);
    assert.deepEqual(await res.json(), { message: "Unsupported Media Type: 'text/xml'" });
  } finally {
    await app.close();
  }
});

/** A request as the `marathon` Python client (requests) sends it: JSON content type, Content-Length: 0. */
function bodilessJsonRequest(url: string, method: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { 'content-type': 'application/json', 'content-length': '0' }, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

test('boolean query parameters are read case-insensitively (?force=True, as Python clients send them)', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    for (const [given, expected] of [['True', true], ['FALSE', false], ['true', true], ['false', false]] as const) {
      const res = await fetch(`${url}/flags?force=${given}`, { method: 'DELETE' });
      assert.equal(res.status, 200, given);
      assert.equal(((await res.json()) as { force: boolean }).force, expected, given);
    }
    // A string parameter keeps its case; a boolean one that is neither true nor false is still refused.
    assert.equal(((await (await fetch(`${url}/flags?name=True`, { method: 'DELETE' })).json()) as { name: string }).name, 'True');
    const bad = await fetch(`${url}/flags?force=yes`, { method: 'DELETE' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /force/);
  } finally {
    await app.close();
  }
});

test('an empty body with a JSON content type is no body, on a body-less route and one that takes a body', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    assert.deepEqual(await bodilessJsonRequest(`${url}/flags?force=True`, 'DELETE'), {
      status: 200,
      body: { force: true, name: null, body: null },
    });
    assert.deepEqual(await bodilessJsonRequest(`${url}/echo`, 'POST'), { status: 200, body: {} });
    // A body that is there is still parsed, and still refused when malformed.
    const res = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await res.json(), { got: { a: 1 } });
    const proto = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"x":1}}' });
    assert.equal(proto.status, 400);
  } finally {
    await app.close();
  }
});

/** Sends raw bytes and reads the answer until the server closes (or 5 s pass); returns status and body. */
function rawExchange(url: string, bytes: string): Promise<{ status: number; contentType: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0),
        contentType: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '',
        body,
      });
    });
  });
}

test('a 100 kB query string is a 414 JSON error (beyond node\'s header limit)', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await rawExchange(url, `GET /json?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(res.status, 414);
    assert.match(res.contentType, /^application\/json/);
    assert.match((JSON.parse(res.body) as { message: string }).message, /URI Too Long.*8192/);
  } finally {
    await app.close();
  }
});

test('a 10 kB query string (under node\'s header limit, over the URL limit) is a 414 JSON error', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await fetch(`${url}/json?q=${'a'.repeat(10_000)}`);
    assert.equal(res.status, 414);
    assert.match(((await res.json()) as { message: string }).message, /URI Too Long: the request target is 10008 bytes/);
    // A long URL under the limit is still served.
    assert.equal((await fetch(`${url}/json?q=${'a'.repeat(8_000)}`)).status, 200);
  } finally {
    await app.close();
  }
});

test('headers beyond node\'s limit with a short URL are a 431 JSON error', async () => {
  const app = testServer();
  try {
    const url = await serve(app);
    const res = await rawExchange(url, `GET /json HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    assert.equal(res.status, 431);
    assert.deepEqual(JSON.parse(res.body), { message: 'Request Header Fields Too Large' });
  } finally {
    await app.close();
  }
});

test('JSON nested deeper than 64 levels is a 400 before it is parsed; 64 levels are accepted', async () => {
  const app = createHttpServer();
  app.post('/echo', async (request) => ({ got: request.body !== undefined }));
  try {
    const url = await serve(app);
    const post = (body: string) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const deep = await post('['.repeat(100_000) + ']'.repeat(100_000));
    assert.equal(deep.status, 400);
    assert.deepEqual(await deep.json(), { message: 'Invalid JSON: nested deeper than 64 levels' });
    const deepObject = await post('{"a":'.repeat(65) + '1' + '}'.repeat(65));
    assert.equal(deepObject.status, 400);
    const ok = await post('{"a":'.repeat(63) + '["[[[[{{{{"]' + '}'.repeat(63));
    assert.equal(ok.status, 200, 'brackets inside strings do not count');
  } finally {
    await app.close();
  }
});

test('a client that never finishes its headers is answered 408 and disconnected after headersTimeout', async () => {
  const app = createHttpServer({ headersTimeoutMs: 300 });
  app.get('/json', async () => ({ a: 1 }));
  try {
    const url = await serve(app);
    const res = await rawExchange(url, 'GET /json HTTP/1.1\r\nHost: x\r\n');
    assert.equal(res.status, 408);
    assert.match((JSON.parse(res.body) as { message: string }).message, /Request Timeout/);
  } finally {
    await app.close();
  }
});
