// Bodies stream through Admin Router both ways. Each case gates the far end on the near end: the upstream holds
// back the rest of a 200 MB body until the client has its first bytes, and the client holds back the rest of a
// 20 MB upload until the upstream has its first bytes. A proxy that buffered either body would never pass the
// first part on, and the test would fail on its timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FakeUpstreams, NO_HANG, serve, startAdminRouter } from './adminrouter-fixtures.ts';

const MB = 1024 * 1024;

test('a 200 MB download (a bundle through /system/health/v1) reaches the client before the upstream has finished', NO_HANG, async (t) => {
  const chunk = Buffer.alloc(MB, 7);
  let clientHasBytes!: () => void;
  const clientGate = new Promise<void>((resolve) => (clientHasBytes = resolve));
  let upstreamFinished = false;
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.diagnostics = await serve(t, async (req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(200 * MB) });
    res.write(chunk);
    await clientGate;
    for (let i = 1; i < 200; i++) if (!res.write(chunk)) await once(res, 'drain');
    res.end(() => (upstreamFinished = true));
  });
  const { url } = await startAdminRouter(t, 'master', upstreams);
  const res = await fetch(`${url}/system/health/v1/diagnostics/bundle-2026-12-07.zip`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-length'), String(200 * MB));
  let received = 0;
  for await (const part of res.body!) {
    if (received === 0) {
      assert.equal(upstreamFinished, false);
      clientHasBytes();
    }
    received += (part as Uint8Array).length;
  }
  assert.equal(received, 200 * MB);
});

test('a 20 MB PUT body reaches the upstream (Marathon) while the client is still sending it', NO_HANG, async (t) => {
  let upstreamHasBytes!: () => void;
  const upstreamGate = new Promise<void>((resolve) => (upstreamHasBytes = resolve));
  const upstreams = new FakeUpstreams();
  upstreams.endpoints.marathon = await serve(t, (req, res) => {
    let bytes = 0;
    req.on('data', (part: Buffer) => {
      if (bytes === 0) upstreamHasBytes();
      bytes += part.length;
    });
    req.on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url, bytes })));
  });
  const { url } = await startAdminRouter(t, 'master', upstreams);
  const chunk = new Uint8Array(MB).fill(1);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 1) await upstreamGate;
      if (sent === 20) return controller.close();
      sent++;
      controller.enqueue(chunk);
    },
  });
  const res = await fetch(`${url}/marathon/v2/apps/big`, { method: 'PUT', body, duplex: 'half', headers: { 'content-type': 'application/octet-stream' } } as RequestInit);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { method: 'PUT', url: '/v2/apps/big', bytes: 20 * MB });
});
