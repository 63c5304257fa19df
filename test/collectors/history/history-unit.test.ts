// dcos-history.service as a unit against a fake master: a poll at start and then every 2 s of the injected clock,
// never two at once; each way a poll fails is stored as {} and journaled once, its recovery once.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryUnit } from '../../../collectors/history/history-unit.ts';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';
import { eventually } from '../../support/minidc-cli.ts';

type Mode = 'ok' | 'error' | 'hang' | 'html';

/** A master whose state-summary answers as `mode` says, counting requests and the ones under way. */
async function fakeMaster(t: TestContext) {
  const state = { mode: 'ok' as Mode, n: 0, requests: 0, inFlight: 0, maxInFlight: 0, release: [] as (() => void)[] };
  const server = http.createServer((req, res) => {
    state.requests++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on('close', () => state.inFlight--);
    const answer = () => {
      if (state.mode === 'error') return void res.writeHead(503).end('{"message":"no leader"}');
      if (state.mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hostname: 'm', slaves: [{ id: 'S0', n: state.n }], frameworks: [] }));
    };
    if (req.url !== '/master/state-summary') return void res.writeHead(404).end();
    if (state.mode === 'hang') state.release.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/master/state-summary` };
}

async function startUnit(t: TestContext, url: () => string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'minidc-history-unit-'));
  const clock = new ManualClock(0, Date.UTC(2026, 11, 7));
  const journal: { message: string; priority: number | undefined }[] = [];
  const unit = new HistoryUnit({
    path: join(dir, 'history.sqlite'),
    retentionMs: 86_400_000,
    summaryUrl: url,
    time: clock,
    host: '127.0.0.1',
    port: 0,
    pollTimeoutMs: 300,
    createServer: () => createHttpServer(),
    listen: listenHttp,
  });
  await unit.start({ log: (message, priority) => journal.push({ message, priority }) });
  t.after(async () => {
    await unit.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Moves the clock by one poll period and waits for the poll it starts. */
  const tick = async () => {
    await clock.advance(2_000);
    await unit.summaryPoller!.whenIdle();
  };
  const minute = async () => (await (await fetch(`${unit.url}/history/minute`)).json()) as { slaves?: { n: number }[] }[];
  await unit.summaryPoller!.whenIdle();
  return { unit, clock, journal, tick, minute };
}

test('polls at start and every 2 s of the injected clock; the minute window fills with the summaries', async (t) => {
  const master = await fakeMaster(t);
  const { tick, minute, clock } = await startUnit(t, () => master.url);
  assert.equal(master.state.requests, 1);
  for (let i = 1; i <= 3; i++) {
    master.state.n = i;
    await tick();
  }
  assert.equal(master.state.requests, 4);
  assert.deepEqual((await minute()).map((e) => e.slaves![0]!.n), [0, 1, 2, 3]);
  await clock.advance(1_000);
  assert.equal(master.state.requests, 4, 'no poll between periods');
});

test('a refused, non-2xx, timed-out or non-JSON poll is stored as {}; the journal says so once, and once on recovery', async (t) => {
  const master = await fakeMaster(t);
  let url: string | undefined = master.url;
  const { unit, tick, minute, journal } = await startUnit(t, () => url);
  master.state.mode = 'error';
  await tick();
  await tick();
  master.state.mode = 'html';
  await tick();
  url = 'http://127.0.0.1:1/master/state-summary';
  await tick();
  url = undefined;
  await tick();
  url = master.url;
  master.state.mode = 'hang';
  await tick(); // cut at the 300 ms timeout
  master.state.mode = 'ok';
  await tick();
  assert.deepEqual((await minute()).map((e) => (e.slaves === undefined ? '{}' : 'summary')), [
    'summary', '{}', '{}', '{}', '{}', '{}', '{}', 'summary',
  ]);
  assert.equal(unit.archive!.database.integrityCheck(), 'ok');
  const lines = journal.map((j) => j.message).filter((m) => m.startsWith('state-summary'));
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0]!, /^state-summary poll failed: GET .*: HTTP 503 Service Unavailable; storing \{\} until it answers$/);
  assert.equal(journal.find((j) => j.message === lines[0])!.priority, 4);
  assert.equal(lines[1], 'state-summary polls succeed again');
});

test('polls never overlap: a tick that finds the last poll still running is skipped', async (t) => {
  const master = await fakeMaster(t);
  const { unit, clock } = await startUnit(t, () => master.url);
  master.state.mode = 'hang';
  await clock.advance(2_000); // a poll starts and hangs (its timeout is real time: 300 ms)
  await eventually('the hanging poll at the master', () => (master.state.requests === 2 ? true : undefined));
  await clock.advance(2_000);
  await clock.advance(2_000);
  // Once the hanging poll timed out, any poll those ticks had started would have reached the master too.
  await unit.summaryPoller!.whenIdle();
  assert.equal(master.state.requests, 2);
  assert.equal(master.state.maxInFlight, 1);
  for (const release of master.state.release) release();
});

test('stop waits for the poll under way and closes listener and file; a start resumes on the same port and file', async (t) => {
  const master = await fakeMaster(t);
  const { unit, clock, journal } = await startUnit(t, () => master.url);
  const url = unit.url;
  await clock.advance(2_000);
  await unit.stop();
  assert.equal(unit.archive, undefined);
  await assert.rejects(fetch(`${url}/ping`));
  await unit.start({ log: (message, priority) => journal.push({ message, priority }) });
  await unit.summaryPoller!.whenIdle();
  assert.equal(unit.url, url);
  const minute = (await (await fetch(`${url}/history/minute`)).json()) as unknown[];
  assert.equal(minute.filter((e) => JSON.stringify(e) !== '{}').length, 3);
});
