// The aggregated routes answer from the last complete pull, with bytes built once per pull: /report is the JSON
// of the report (byte for byte, odd characters included), gzip or brotli when the client asks (each inflating to
// the identity body), with Vary and Last-Modified-3DT naming that pull; a pull under way changes nothing served
// until it ends, then the served body is replaced. Also the pull's own HTTP client: a node answering more than the
// size limit, or cutting its answer short, is health 3 and the pull still ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ansicTime, clusterHealthPlugin } from '../../diagnostics/cluster/cluster-health-plugin.ts';
import { ClusterHealthPuller } from '../../diagnostics/cluster/cluster-health-puller.ts';
import type { ClusterNodeRef } from '../../diagnostics/cluster/cluster-node.ts';
import type { ClusterReport } from '../../diagnostics/cluster/cluster-report.ts';
import type { NodeHealthResponse } from '../../diagnostics/health/node-health.ts';
import { HEALTH_BASE } from '../../diagnostics/node/node-health-plugin.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { systemTime } from '../../runtime/time/system-time.ts';
import { serve } from './loopback-server.ts';

// Quotes, backslashes, controls, U+2028, non-Latin-1 and astral characters: what JSON escapes or encodes in UTF-8.
const ODD = 'a "quoted" \\ back\tslash \u0001 \u2028 grüße 日本 😀';

const body = (ip: string, health: number): NodeHealthResponse => ({
  units: [
    { id: 'dcos-spartan.service', health, output: health === 0 ? '' : `Unit dcos-spartan.service is dead\n${ODD}\n`, description: 'DNS', help: '', name: 'Spartan' },
    { id: 'dcos-minuteman.service', health: 0, output: '', description: 'VIPs', help: '', name: 'Minuteman' },
  ],
  hostname: `host-${ip}`,
  ip,
  dcos_version: '2.2.0',
  node_role: 'agent',
  mesos_id: `id-${ip}`,
  dcos_diagnostics_version: '0.1.0',
});


/** A GET by node:http, which leaves the body as sent (fetch would inflate it). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

test('/report: the last complete pull, identity, gzip and brotli, replaced when the next pull ends', { timeout: 60_000 }, async (t) => {
  const health: Record<string, number> = { '127.0.5.1': 0, '127.0.5.2': 1 };
  let stall = false;
  const stalled: ServerResponse[] = [];
  const answer = (ip: string) => (_req: IncomingMessage, res: ServerResponse) => {
    if (stall && ip === '127.0.5.2') {
      stalled.push(res);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body(ip, health[ip]!)));
  };
  const nodes = [await serve('127.0.5.1', answer('127.0.5.1')), await serve('127.0.5.2', answer('127.0.5.2'))];
  t.after(() => nodes.forEach(({ server }) => (server.closeAllConnections(), server.close())));
  const refs: ClusterNodeRef[] = [
    { ip: '127.0.5.1', role: 'master', mesosId: '', leader: true },
    { ip: '127.0.5.2', role: 'agent', mesosId: 'S1', leader: false },
  ];
  // Each pull ends at its own whole second, so Last-Modified-3DT tells the pulls apart.
  let wall = Date.UTC(2026, 11, 7, 10, 0, 0);
  const puller = new ClusterHealthPuller({
    discovery: { nodes: async () => refs },
    nodeUrl: (n) => nodes[refs.indexOf(n)]!.url,
    time: { ...systemTime, wallMs: () => wall },
    intervalMs: 3_600_000,
    timeoutMs: 20_000,
  });
  t.after(() => puller.stop());
  const app = createHttpServer();
  await app.register(clusterHealthPlugin, { source: puller });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(() => app.close());
  const report = `${url}${HEALTH_BASE}/report`;

  const before = await rawGet(report);
  assert.equal(before.headers['last-modified-3dt'], undefined, 'no pull yet');
  assert.deepEqual(JSON.parse(before.body.toString()), { Units: null, Nodes: null, UpdatedTime: '0001-01-01T00:00:00Z' });

  await puller.pullNow();
  const first = await rawGet(report);
  // Byte for byte what JSON.stringify makes of the report (what the routes sent when they serialised per request).
  assert.equal(first.body.toString('utf8'), JSON.stringify(puller.report()));
  assert.ok(first.body.toString('utf8').includes(JSON.stringify(ODD).slice(1, -1)));
  assert.equal(first.headers['content-length'], String(first.body.length));
  assert.equal(first.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(first.headers['content-encoding'], undefined);
  assert.equal(first.headers.vary, 'Accept-Encoding');
  assert.equal(first.headers['last-modified-3dt'], ansicTime(wall));

  const gzip = await rawGet(report, { 'accept-encoding': 'gzip, deflate' });
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.equal(gzip.headers['content-length'], String(gzip.body.length));
  assert.equal(gzip.headers.vary, 'Accept-Encoding');
  assert.deepEqual(gunzipSync(gzip.body), first.body);
  const brotli = await rawGet(report, { 'accept-encoding': 'gzip, br' });
  assert.equal(brotli.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(brotli.body), first.body);
  const refused = await rawGet(report, { 'accept-encoding': 'gzip;q=0, br;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.deepEqual(refused.body, first.body);
  const download = await rawGet(`${report}/download`, { 'accept-encoding': 'gzip' });
  assert.equal(download.headers['content-disposition'], 'attachment; filename=health-report.json');
  assert.deepEqual(gunzipSync(download.body), first.body);

  // The next pull, one node stalled: its other answer is in report(), but the routes still serve the last pull.
  const firstPullWall = wall;
  wall += 5000;
  health['127.0.5.1'] = 1;
  stall = true;
  const pulling = puller.pullNow();
  const deadline = Date.now() + 15_000;
  while (puller.report().Nodes!['127.0.5.1']!.Health !== 1) {
    assert.ok(Date.now() < deadline, 'the fast node answered');
    await new Promise((resolve) => setImmediate(resolve));
  }
  const during = await rawGet(report, { 'accept-encoding': 'gzip' });
  assert.deepEqual(gunzipSync(during.body), first.body);
  assert.equal(during.headers['last-modified-3dt'], ansicTime(firstPullWall));
  const nodesDuring = JSON.parse((await rawGet(`${url}${HEALTH_BASE}/nodes`)).body.toString()) as { nodes: { health: number }[] };
  assert.deepEqual(nodesDuring.nodes.map((n) => n.health), [0, 1]);

  stall = false;
  for (const res of stalled) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body('127.0.5.2', 0)));
  await pulling;
  const second = await rawGet(report);
  assert.notDeepEqual(second.body, first.body);
  assert.equal(second.body.toString('utf8'), JSON.stringify(puller.report()));
  assert.equal(second.headers['last-modified-3dt'], ansicTime(wall));
  const parsed = JSON.parse(second.body.toString()) as ClusterReport;
  assert.deepEqual(Object.values(parsed.Nodes!).map((n) => n.Health), [1, 0]);
  assert.deepEqual(gunzipSync((await rawGet(report, { 'accept-encoding': 'gzip' })).body), second.body);
  assert.deepEqual(brotliDecompressSync((await rawGet(report, { 'accept-encoding': 'br' })).body), second.body);
  const nodesAfter = JSON.parse((await rawGet(`${url}${HEALTH_BASE}/nodes`)).body.toString()) as { nodes: { health: number }[] };
  assert.deepEqual(nodesAfter.nodes.map((n) => n.health), [1, 0]);
  // ?cache=0 pulls again and answers from that pull.
  health['127.0.5.2'] = 1;
  wall += 5000;
  const fresh = JSON.parse((await rawGet(`${report}?cache=0`)).body.toString()) as ClusterReport;
  assert.deepEqual(Object.values(fresh.Nodes!).map((n) => n.Health), [1, 1]);
  assert.equal(fresh.UpdatedTime, new Date(wall).toISOString().replace('.000', ''));
});

test('the pull: a node answering past the size limit or cutting its answer short is 3, and the pull ends', { timeout: 60_000 }, async (t) => {
  const huge = await serve('127.0.5.3', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // A valid health body padded to 9 MiB (the limit is 8 MiB), without Content-Length: met while reading.
    res.write(JSON.stringify(body('127.0.5.3', 0)));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 9; i++) res.write(chunk);
    res.end();
  });
  const cut = await serve('127.0.5.4', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"units":[');
    setImmediate(() => res.destroy());
  });
  const good = await serve('127.0.5.5', (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body('127.0.5.5', 0))));
  const servers = [huge, cut, good];
  t.after(() => servers.forEach(({ server }) => (server.closeAllConnections(), server.close())));
  const refs: ClusterNodeRef[] = servers.map((_, i) => ({ ip: `127.0.5.${i + 3}`, role: 'agent', mesosId: `S${i}`, leader: false }));
  const puller = new ClusterHealthPuller({
    discovery: { nodes: async () => refs },
    nodeUrl: (n) => servers[refs.indexOf(n)]!.url,
    time: systemTime,
    intervalMs: 3_600_000,
    timeoutMs: 20_000,
  });
  t.after(() => puller.stop());
  await puller.pullNow();
  assert.deepEqual(
    Object.values(puller.report().Nodes!).map((n) => [n.IP, n.Health]),
    [['127.0.5.3', 3], ['127.0.5.4', 3], ['127.0.5.5', 0]],
  );
});
