// dcos-history's API over HTTP, fed through the archive's record(): DC/OS's routes, bodies and headers, the minute
// and hour windows with their `{}` slots, minidc's day and range queries with their 400s, and retention pruning.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryArchive } from '../../../collectors/history/history-archive.ts';
import { CORS_HEADERS, HELP_TEXT, historyPlugin } from '../../../collectors/history/history-plugin.ts';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { ManualClock } from '../../../runtime/time/manual-clock.ts';

const START = Date.UTC(2026, 11, 7, 8, 0, 0);
const HOUR = 3_600_000;

/** A summary as the master prints it, `n` telling samples apart. */
const summary = (n: number, agents = 2): string =>
  JSON.stringify({
    hostname: '127.0.1.1',
    cluster: 'minidc',
    slaves: Array.from({ length: agents }, (_, i) => ({ id: `S${i}`, hostname: `127.0.2.${i + 1}`, TASK_RUNNING: i === 0 ? n : 1 })),
    frameworks: [{ id: 'fw-0', name: 'marathon', TASK_RUNNING: n + agents - 1, slave_ids: ['S0', 'S1'] }],
  });

interface Served {
  url: string;
  archive: HistoryArchive;
  clock: ManualClock;
  dir: string;
  /** Records a poll at the clock's time, then moves the clock on by `stepMs`. */
  poll(body: string | undefined, stepMs?: number): Promise<void>;
  reopen(): Promise<void>;
}

async function serve(t: TestContext, retentionMs = 24 * HOUR, dir = mkdtempSync(join(tmpdir(), 'minidc-history-api-'))): Promise<Served> {
  const clock = new ManualClock(0, START);
  const path = join(dir, 'history', 'history.sqlite');
  const box = { archive: new HistoryArchive({ path, retentionMs, clock }) };
  const app = createHttpServer();
  await app.register(historyPlugin, { archive: () => box.archive });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(async () => {
    await app.close();
    box.archive.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    url,
    get archive() {
      return box.archive;
    },
    clock,
    dir,
    poll: async (body, stepMs = 2_000) => {
      box.archive.record(body === undefined ? undefined : Buffer.from(body), clock.wallMs());
      await clock.advance(stepMs);
    },
    reopen: async () => {
      box.archive.close();
      box.archive = new HistoryArchive({ path, retentionMs, clock });
    },
  };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const json = async (url: string): Promise<unknown> => JSON.parse((await get(url)).text) as unknown;
/** The `TASK_RUNNING` of agent S0 in each entry (the `n` of summary()), `null` for a `{}` entry. */
const ns = (entries: unknown): (number | null)[] =>
  (entries as { slaves?: { TASK_RUNNING: number }[] }[]).map((e) => (e.slaves === undefined ? null : e.slaves[0]!.TASK_RUNNING));

test('every route answers as DC/OS did: the help text, pong, JSON content type and the static CORS headers, no Authorization', async (t) => {
  const s = await serve(t);
  await s.poll(summary(7));
  const routes = ['/', '/ping', '/history/last', '/history/minute', '/history/hour', '/history/day', '/nowhere', '/history/day?from=x'];
  for (const route of routes) {
    const res = await get(`${s.url}${route}`, { authorization: 'token=secret-token', origin: 'http://ui.example' });
    for (const [name, value] of Object.entries(CORS_HEADERS)) assert.equal(res.headers.get(name), value, `${route} ${name}`);
    assert.equal(res.headers.get('authorization'), null, route);
    assert.ok(!res.text.includes('secret-token'), route);
    if (res.status === 200) assert.equal(res.headers.get('content-type'), 'application/json', route);
  }
  assert.equal((await get(`${s.url}/`)).text, HELP_TEXT);
  assert.equal((await get(`${s.url}/ping`)).text, 'pong');
  assert.equal((await get(`${s.url}/nowhere`)).status, 404);
  const preflight = await fetch(`${s.url}/history/last`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
});

test('/history/last is the last body verbatim; minute and hour start at length 1 and a failed poll is {}', async (t) => {
  const s = await serve(t);
  assert.equal((await get(`${s.url}/history/last`)).text, '{}');
  assert.deepEqual(await json(`${s.url}/history/minute`), []);
  const spaced = summary(1).replace('"cluster":', ' "cluster" : ');
  await s.poll(spaced);
  assert.equal((await get(`${s.url}/history/last`)).text, spaced);
  assert.deepEqual(ns(await json(`${s.url}/history/minute`)), [1]);
  assert.deepEqual(ns(await json(`${s.url}/history/hour`)), [1]);
  assert.deepEqual(JSON.parse((await get(`${s.url}/history/minute`)).text)[0], JSON.parse(spaced));

  await s.poll(undefined);
  assert.equal((await get(`${s.url}/history/last`)).text, '{}');
  await s.poll('<html>502 Bad Gateway</html>');
  await s.poll('{"slaves":[{"id":"S0"},{"id": tru}]}');
  assert.equal((await get(`${s.url}/history/last`)).text, '{}');
  const minute = await json(`${s.url}/history/minute`);
  assert.deepEqual(minute, [JSON.parse(spaced), {}, {}, {}]);
});

test('the minute window is the newest 30 polls 2 s apart, the hour window the newest 60 a minute apart', async (t) => {
  const s = await serve(t);
  // 70 minutes of polls every 2 s: the hour tier keeps every 30th, on the first one's minute grid.
  for (let i = 0; i < 70 * 30; i++) await s.poll(summary(i));
  const minute = ns(await json(`${s.url}/history/minute`));
  assert.deepEqual(minute, Array.from({ length: 30 }, (_, k) => 70 * 30 - 30 + k));
  const hour = ns(await json(`${s.url}/history/hour`));
  assert.deepEqual(hour, Array.from({ length: 60 }, (_, k) => (10 + k) * 30));
  // The answers are cached per change; a new poll shows at once.
  await s.poll(summary(99_999));
  assert.equal(ns(await json(`${s.url}/history/minute`)).at(-1), 99_999);
});

test('after a stop the missed periods are {} slots, as DC/OS filled them, and recording resumes on the same file', async (t) => {
  const s = await serve(t);
  for (let i = 0; i < 10; i++) await s.poll(summary(i));
  await s.reopen();
  await s.clock.advance(20_000 - 2_000); // 20 s since the last poll: 9 polls missed
  assert.deepEqual(ns(await json(`${s.url}/history/minute`)), [...Array.from({ length: 10 }, (_, k) => k), ...Array(9).fill(null)]);
  await s.poll(summary(50));
  assert.deepEqual(ns(await json(`${s.url}/history/minute`)), [...Array.from({ length: 10 }, (_, k) => k), ...Array(9).fill(null), 50]);
  // The hour tier kept poll 0 (50 came 38 s after it); 220 s after 0, three minutes had no sample.
  await s.clock.advance(3 * 60_000);
  await s.poll(summary(60));
  assert.deepEqual(ns(await json(`${s.url}/history/hour`)), [0, null, null, null, 60]);
  assert.equal(s.archive.database.integrityCheck(), 'ok');
});

test('/history/day is 24 h of the hour tier; ?from=&to= selects a range by ISO 8601 or milliseconds', async (t) => {
  const s = await serve(t);
  // 26 hours of one poll a minute.
  for (let m = 0; m < 26 * 60; m++) await s.poll(summary(m), 60_000);
  const day = ns(await json(`${s.url}/history/day`));
  assert.equal(day.length, 1_440);
  assert.deepEqual([day[0], day.at(-1)], [2 * 60, 26 * 60 - 1]);

  const from = new Date(START + 3 * HOUR).toISOString();
  const to = START + 9 * HOUR;
  const range = ns(await json(`${s.url}/history/day?from=${from}&to=${to}`));
  assert.equal(range.length, 6 * 60 + 1);
  assert.deepEqual([range[0], range.at(-1)], [3 * 60, 9 * 60]);
  const offset = ns(await json(`${s.url}/history/day?from=2026-12-07T12:00:00%2B02:00&to=2026-12-07T10:05:00Z`));
  assert.deepEqual(offset, [120, 121, 122, 123, 124, 125]);
  // Only `to`: the day before it (the newest sample's time, so both ends hold one).
  const before = ns(await json(`${s.url}/history/day?to=${START + (26 * 60 - 1) * 60_000}`));
  assert.deepEqual([before.length, before[0], before.at(-1)], [1_441, 26 * 60 - 1 - 1_440, 26 * 60 - 1]);
});

test('bad range parameters are 400s naming the problem', async (t) => {
  const s = await serve(t, 2 * HOUR);
  await s.poll(summary(1));
  const bad = async (query: string): Promise<string> => {
    const res = await get(`${s.url}/history/day?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    return (JSON.parse(res.text) as { message: string }).message;
  };
  assert.match(await bad('from=yesterday'), /^from: 'yesterday' is not an ISO 8601 time/);
  assert.match(await bad('to=2026-13-45T99:00:00Z'), /^to: '2026-13-45T99:00:00Z' is not an ISO 8601 time/);
  assert.match(await bad('from=2026-12-07T10:00:00'), /^from: .* with a zone/);
  assert.match(await bad(`from=${START + HOUR}&to=${START}`), /^from \(2026-12-07T09:00:00.000Z\) is after to \(2026-12-07T08:00:00.000Z\)$/);
  assert.match(await bad(`from=${START - 3 * HOUR}&to=${START}`), /longer than the history's retention of 120 minutes/);
  assert.match(await bad(`from=${'1'.repeat(80)}`), /from/);
});

test('retention: the hour tier keeps only the configured span, and elements no sample references are deleted', async (t) => {
  const s = await serve(t, HOUR);
  for (let m = 0; m < 3 * 60; m++) await s.poll(summary(m), 60_000);
  const day = ns(await json(`${s.url}/history/day`));
  // An hour back from the newest sample, both ends included.
  assert.deepEqual([day.length, day[0], day.at(-1)], [61, 119, 179]);
  const { samples, elements } = s.archive.database.stats();
  // 61 hour-tier samples (the newest 30 of them also in the minute tier); each holds two elements of its own
  // (S0 and the framework) and all share S1.
  assert.equal(samples, 61);
  assert.equal(elements, 61 * 2 + 1);
});
