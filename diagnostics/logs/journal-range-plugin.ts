/**
 * dcos-log's `GET /system/v1/logs/v1/range/` on a node's diagnostics server: one unit's journal entries
 * (`?filter=_SYSTEMD_UNIT:<unit>`, or `UNIT:<unit>`) as text, JSON lines or server-sent events (journal-entry-formats.ts).
 * As in dcos-log, without a cursor the read starts at the journal's head: `skip_next=N` skips the N oldest entries,
 * `skip_prev=N` starts N entries before the end (`skip_prev=1` is the last entry), and `limit` (default 100) caps
 * the answer; `X-Journal-Skip-Prev`/`X-Journal-Skip-Next` say how many entries were actually skipped.
 *
 * Bounded: at most 10,000 entries are answered and `skip_prev` reads at most 10,000 from the tail; a read from the
 * head streams the journal and stops at `skip_next + limit` entries. The unit must be one the node has (404
 * otherwise); its name is only looked up, never made into a path. Cursors are not taken (400): minidc's journal has
 * no journald cursor to resume from.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { UnitJournalRecord } from '../../runtime/units/unit-reader.ts';
import type { UnitSource } from '../health/unit-source.ts';
import { CONTENT_TYPES, formatFor, journalEntryFormatter } from './journal-entry-formats.ts';

export const LOGS_BASE = '/system/v1/logs';
export const MAX_RANGE_ENTRIES = 10_000;
const DEFAULT_LIMIT = 100;
/** journald's match syntax for the two fields that name a unit. */
const UNIT_FILTER = /^(?:_SYSTEMD_UNIT|UNIT):(.+)$/;

export interface JournalRangePluginOptions {
  units: UnitSource;
  /** The node's hostname, as its journal lines name it. */
  hostname: () => string;
}

interface RangeQuery {
  filter: string;
  limit: number;
  skip_prev?: number;
  skip_next?: number;
  cursor?: string;
}

const querySchema = {
  type: 'object',
  required: ['filter'],
  properties: {
    filter: { type: 'string', pattern: UNIT_FILTER.source, maxLength: 512 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_RANGE_ENTRIES, default: DEFAULT_LIMIT },
    skip_prev: { type: 'integer', minimum: 0, maximum: MAX_RANGE_ENTRIES },
    skip_next: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    cursor: { type: 'string' },
  },
} as const;

export const journalRangePlugin: FastifyPluginAsync<JournalRangePluginOptions> = async (app, { units, hostname }) => {
  const handler = async (request: FastifyRequest<{ Querystring: RangeQuery }>, reply: FastifyReply) => {
    const { filter, limit, skip_prev: skipPrev, skip_next: skipNext = 0, cursor } = request.query;
    if (cursor !== undefined) return reply.code(400).send({ message: 'querystring/cursor is not supported: minidc journals have no journald cursor; use skip_prev or skip_next' });
    if (skipPrev !== undefined && skipNext > 0)
      return reply.code(400).send({ message: 'querystring/skip_prev and querystring/skip_next cannot be combined without a cursor' });
    const unit = UNIT_FILTER.exec(filter)![1]!;
    if (!units.unitNames().includes(unit)) return reply.code(404).send({ message: `Not found: this node has no unit '${unit}'` });
    const range = skipPrev !== undefined ? await fromTail(units, unit, skipPrev, limit) : await fromHead(units, unit, skipNext, limit);
    const accept = request.headers.accept;
    const format = formatFor(Array.isArray(accept) ? accept.join(',') : accept);
    const line = journalEntryFormatter(format, unit, hostname());
    return reply
      .header('content-type', CONTENT_TYPES[format])
      .header('x-journal-skip-prev', String(range.skippedPrev))
      .header('x-journal-skip-next', String(range.skippedNext))
      .send(range.entries.map(line).join(''));
  };
  for (const path of [`${LOGS_BASE}/v1/range/`, `${LOGS_BASE}/v1/range`])
    app.get<{ Querystring: RangeQuery }>(path, { schema: { querystring: querySchema } }, handler);
};

interface JournalRange {
  entries: readonly UnitJournalRecord[];
  skippedPrev: number;
  skippedNext: number;
}

/** The `skipPrev` newest entries (fewer if the journal holds fewer), the first `limit` of them. */
async function fromTail(units: UnitSource, unit: string, skipPrev: number, limit: number): Promise<JournalRange> {
  if (skipPrev === 0) return { entries: [], skippedPrev: 0, skippedNext: 0 };
  const { entries } = await units.readJournal(unit, { tail: skipPrev });
  return { entries: entries.slice(0, limit), skippedPrev: entries.length, skippedNext: 0 };
}

/** The `limit` entries after the `skipNext` oldest, streamed where the source streams so a long journal is not held. */
async function fromHead(units: UnitSource, unit: string, skipNext: number, limit: number): Promise<JournalRange> {
  const wanted = skipNext + limit;
  const taken: UnitJournalRecord[] = [];
  let seen = 0;
  const batches = units.streamJournal ? units.streamJournal(unit) : [(await units.readJournal(unit)).entries];
  for await (const batch of batches) {
    for (const entry of batch) {
      if (seen++ >= skipNext) taken.push(entry);
      if (seen >= wanted) break;
    }
    if (seen >= wanted) break;
  }
  return { entries: taken, skippedPrev: 0, skippedNext: Math.min(seen, skipNext) };
}
