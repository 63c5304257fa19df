/**
 * dcos-history's HTTP API as DC/OS served it (`history/server_util.py`): `/`, `/ping`, `/history/last`,
 * `/history/minute`, `/history/hour`, every answer with content type `application/json` and the static CORS
 * headers, and never an `Authorization` header (DC/OS once echoed its Mesos token, DCOS-40373: nothing of a
 * request or of the poll's headers is copied into an answer). Beyond it: `/history/day` (24 h at 1-minute
 * resolution) with `?from=&to=` ranges. Registered on the whole server (skip-override), so its 404s and 400s carry
 * the CORS headers too.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { HistoryArchive } from './history-archive.ts';
import { parseRange, RangeQueryError, type RangeQuery } from './history-range.ts';

export const CORS_HEADERS = {
  'access-control-allow-credentials': 'true',
  'access-control-allow-headers':
    'accept, accept-charset, accept-encoding, accept-language, authorization, content-length, content-type, host, origin, proxy-connection, referer, user-agent, x-requested-with',
  'access-control-allow-methods': 'HEAD, GET, PUT, POST, PATCH, DELETE',
  'access-control-allow-origin': '*',
  'access-control-max-age': '86400',
} as const;

/** DC/OS's `/` text, verbatim (it served it as JSON too). */
export const HELP_TEXT =
  'history/last - to get the last fetched state\n' +
  'history/minute - to get the state array of the last minute\n' +
  'history/hour - to get the state array of the last hour\n' +
  'ping - to get a pong\n';

const HELP = Buffer.from(HELP_TEXT);
const PONG = Buffer.from('pong');

export interface HistoryPluginOptions {
  archive: () => HistoryArchive;
}

const rangeSchema = {
  querystring: {
    type: 'object',
    properties: { from: { type: 'string', maxLength: 64 }, to: { type: 'string', maxLength: 64 } },
  },
} as const;

// A Buffer keeps fastify from appending `; charset=utf-8` to the content type, which DC/OS did not send.
const json = (reply: FastifyReply, body: Buffer | Readable): FastifyReply => reply.type('application/json').send(body);

const historyPluginBody: FastifyPluginAsync<HistoryPluginOptions> = async (app, { archive }) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.headers(CORS_HEADERS);
    return payload;
  });
  app.get('/', async (_request, reply) => json(reply, HELP));
  app.get('/ping', async (_request, reply) => json(reply, PONG));
  app.get('/history/last', async (_request, reply) => json(reply, archive().lastSummary()));
  app.get('/history/minute', async (_request, reply) => json(reply, Readable.from(archive().window('minute'), { objectMode: false })));
  app.get('/history/hour', async (_request, reply) => json(reply, Readable.from(archive().window('hour'), { objectMode: false })));
  app.get<{ Querystring: RangeQuery }>('/history/day', { schema: rangeSchema }, async (request, reply) => {
    const history = archive();
    const { from, to } = request.query;
    if (from === undefined && to === undefined) return json(reply, Readable.from(history.day(), { objectMode: false }));
    try {
      const range = parseRange(request.query, history.nowMs(), history.retentionMs);
      return json(reply, Readable.from(history.range(range.fromMs, range.toMs), { objectMode: false }));
    } catch (err) {
      if (err instanceof RangeQueryError) return reply.code(400).send({ message: err.message });
      throw err;
    }
  });
  // Flask answered OPTIONS on every route itself (a browser's preflight), with the same headers.
  app.options('/*', async (_request, reply) => reply.header('allow', 'HEAD, OPTIONS, GET').code(200).send());
};

export const historyPlugin = Object.assign(historyPluginBody, { [Symbol.for('skip-override')]: true });
