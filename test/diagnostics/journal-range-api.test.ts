// dcos-log's range API on a node's diagnostics server, read over HTTP with fetch: text lines, JSON fields, one
// unit's entries only, limit, skip_prev/skip_next with their headers, 400s naming the field, 404 for a unit the
// node does not have (a path-like name included). Journals are real files written through real units.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagnosticsUnit } from '../../diagnostics/diagnostics-unit.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { ManualClock } from '../../runtime/time/manual-clock.ts';
import { PRIORITY } from '../../runtime/units/unit-journal.ts';
import { UnitRegistry } from '../../runtime/units/unit-registry.ts';
import { makeUnit } from '../runtime/units/unit-fixtures.ts';

const T0 = Date.parse('2026-12-08T01:00:00.000Z');
const MASTER = 'dcos-mesos-master.service';
const DNS = 'dcos-mesos-dns.service';
const COUNT = 30;
let dir: string;
let diagnostics: DiagnosticsUnit;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'minidc-logs-'));
  const clock = new ManualClock(0, T0);
  const registry = new UnitRegistry();
  const master = makeUnit(dir, { clock, name: MASTER });
  const dns = makeUnit(dir, { clock, name: DNS, description: 'Mesos DNS: DNS based Service Discovery' });
  registry.add(master.unit);
  registry.add(dns.unit);
  for (let i = 1; i <= COUNT; i++) {
    master.journal.append(i % 10 === 0 ? PRIORITY.err : PRIORITY.info, `master line ${i}`);
    dns.journal.append(PRIORITY.info, `dns line ${i}`);
    await clock.advance(1_000);
  }
  master.journal.append(PRIORITY.warning, 'two\nlines');
  diagnostics = new DiagnosticsUnit({
    units: registry.reader(),
    identity: () => ({ hostname: 'm1.example', ip: '127.0.0.1', dcos_version: 'test', node_role: 'master', mesos_id: 'S1', dcos_diagnostics_version: 'test' }),
    endpoints: () => ({}),
    host: '127.0.0.1',
    port: 0,
    createServer: () => createHttpServer(),
    listen: listenHttp,
  });
  await diagnostics.start({ log: () => undefined });
  base = `${diagnostics.url}/system/v1/logs/v1/range/`;
});
after(async () => {
  await diagnostics.stop();
  rmSync(dir, { recursive: true, force: true });
});

const range = (query: string, accept = 'text/plain') => fetch(`${base}?${query}`, { headers: { accept }, signal: AbortSignal.timeout(10_000) });
const lines = async (response: Response) => (await response.text()).split('\n').slice(0, -1);

test('text/plain: one journalctl short-iso line per entry of the filtered unit, oldest first from the head', async () => {
  const response = await range(`filter=_SYSTEMD_UNIT:${DNS}&limit=3`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.deepEqual(await lines(response), [
    '2026-12-08T01:00:00.000+00:00 m1.example dcos-mesos-dns: dns line 1',
    '2026-12-08T01:00:01.000+00:00 m1.example dcos-mesos-dns: dns line 2',
    '2026-12-08T01:00:02.000+00:00 m1.example dcos-mesos-dns: dns line 3',
  ]);
  // The default limit (100) covers the whole journal; `UNIT:` names the same unit.
  const all = await lines(await range(`filter=UNIT:${DNS}`));
  assert.equal(all.length, COUNT);
  assert.ok(all.every((l) => l.includes('dns line')));
});

test('application/json: one object per line with journald field names and µs timestamps', async () => {
  const response = await range(`filter=_SYSTEMD_UNIT:${MASTER}&skip_prev=2`, 'application/json');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const entries = (await lines(response)).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(entries.length, 2);
  assert.deepEqual(entries.map((e) => Object.keys(e).sort()), Array(2).fill(['cursor', 'fields', 'monotonic_timestamp', 'realtime_timestamp']));
  assert.deepEqual(entries[0]!.fields, { MESSAGE: 'master line 30', PRIORITY: '3', _SYSTEMD_UNIT: MASTER, _HOSTNAME: 'm1.example' });
  assert.equal(entries[0]!.realtime_timestamp, (T0 + 29_000) * 1000);
  assert.deepEqual(entries[1]!.fields, { MESSAGE: 'two\nlines', PRIORITY: '4', _SYSTEMD_UNIT: MASTER, _HOSTNAME: 'm1.example' });
  assert.notEqual(entries[0]!.cursor, entries[1]!.cursor);
});

test('skip_prev reads back from the end, skip_next forward from the head; the headers say how many were skipped', async () => {
  const tail = await range(`filter=_SYSTEMD_UNIT:${DNS}&skip_prev=5&limit=2`);
  assert.equal(tail.headers.get('x-journal-skip-prev'), '5');
  assert.deepEqual((await lines(tail)).map((l) => l.split(': ')[1]), ['dns line 26', 'dns line 27']);
  // More than the journal holds: it stops at the head, and says so.
  const everything = await range(`filter=_SYSTEMD_UNIT:${DNS}&skip_prev=1000`);
  assert.equal(everything.headers.get('x-journal-skip-prev'), String(COUNT));
  assert.equal((await lines(everything)).length, COUNT);
  const next = await range(`filter=_SYSTEMD_UNIT:${DNS}&skip_next=28&limit=5`);
  assert.equal(next.headers.get('x-journal-skip-next'), '28');
  assert.deepEqual((await lines(next)).map((l) => l.split(': ')[1]), ['dns line 29', 'dns line 30']);
});

test('text/event-stream: each entry as a server-sent event carrying the JSON object', async () => {
  const response = await range(`filter=_SYSTEMD_UNIT:${DNS}&skip_prev=1`, 'text/event-stream');
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const text = await response.text();
  assert.match(text, /^data: \{.*\}\n\n$/);
  assert.equal((JSON.parse(text.slice(6)) as { fields: { MESSAGE: string } }).fields.MESSAGE, 'dns line 30');
});

test('bad queries are 400s naming the field; an unknown unit, path-like or not, is a 404', async () => {
  const cases: Array<[string, RegExp]> = [
    ['', /filter/],
    [`filter=MESSAGE:hello`, /filter/],
    [`filter=_SYSTEMD_UNIT:${DNS}&limit=0`, /limit/],
    [`filter=_SYSTEMD_UNIT:${DNS}&limit=10001`, /limit/],
    [`filter=_SYSTEMD_UNIT:${DNS}&limit=ten`, /limit/],
    [`filter=_SYSTEMD_UNIT:${DNS}&skip_prev=-1`, /skip_prev/],
    [`filter=_SYSTEMD_UNIT:${DNS}&cursor=s%3Dabc`, /cursor/],
  ];
  for (const [query, field] of cases) {
    const response = await range(query);
    assert.equal(response.status, 400, query);
    assert.match(((await response.json()) as { message: string }).message, field, query);
  }
  for (const unit of ['dcos-nope.service', '../../journal/dcos-mesos-master.service', '..%2F..%2Fetc%2Fpasswd']) {
    const response = await range(`filter=_SYSTEMD_UNIT:${unit}`);
    assert.equal(response.status, 404, unit);
    assert.match(((await response.json()) as { message: string }).message, /no unit/);
  }
});
