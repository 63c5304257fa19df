/**
 * The fastify instance every minidc HTTP surface (master, agent, Marathon, …) is built on, so limits, timeouts and
 * error bodies are the same everywhere (request-limits.ts lists the limits): errors are `{"message": "…"}`, client errors keep their status and say
 * what was wrong, server errors are a bare 500 (the stack goes to `onInternalError`, never to the client).
 *
 * Two leniencies real clients rely on (Marathon's and Mesos's servers have them; the `marathon` Python client needs
 * them): boolean query parameters are read case-insensitively (`?force=True`), and a JSON content type on an empty
 * body means "no body" rather than a parse error (clients send the header on every request, DELETE included).
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PRIORITY } from '../units/unit-journal.ts';
import type { UnitLog } from '../units/unit-log.ts';
import { HttpError } from './http-error.ts';
import { rateLimitedLog, type JournalRateLimit } from './journal-rate-limit.ts';
import { acceptEmptyJsonBodies, readBooleanQueryCaseInsensitively } from './lenient-requests.ts';
import { clientErrorHandler, DEFAULT_MAX_URL_LENGTH, rejectLongUrls } from './request-limits.ts';
import { traceRequests } from '../telemetry/http-tracing.ts';

export interface HttpServerOptions {
  /** Largest request body accepted (bytes); larger ones get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** Idle socket timeout. Default 120 s: long enough for streams that send heartbeats, short enough to drop dead peers. */
  connectionTimeoutMs?: number;
  /** Time allowed to receive a whole request (headers and body). Default 30 s (slowloris guard). */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Time allowed to receive the request line and headers. Default 10 s (a slow client holds no socket longer). */
  headersTimeoutMs?: number;
  /** Longest request target (path and query string) accepted; longer ones get 414. Default 8 KiB. */
  maxUrlLength?: number;
  /** Told about every 500 (a bug or an unexpected failure), e.g. to write it to the unit's journal. */
  onInternalError?: (error: unknown, request: FastifyRequest) => void;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createHttpServer(options: HttpServerOptions = {}): FastifyInstance {
  const maxUrlLength = options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  // node refuses a headers timeout longer than the request timeout.
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeoutMs);
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    connectionTimeout: options.connectionTimeoutMs ?? 120_000,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    clientErrorHandler: clientErrorHandler(maxUrlLength),
    http: {
      // node enforces header and request timeouts on this sweep (default every 30 s, which would let a slow
      // client hold a socket three times longer than headersTimeout).
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
      headersTimeout: headersTimeoutMs,
    },
  });
  traceRequests(app);
  rejectLongUrls(app, maxUrlLength);
  acceptEmptyJsonBodies(app);
  app.addHook('onRoute', readBooleanQueryCaseInsensitively);
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply, options.onInternalError));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ message: `Not found: ${request.method} ${pathOf(request.url)}` });
  });
  return app;
}

/**
 * The `onInternalError` that journals a 500 in the owning unit's journal: method, url and the error's stack, since
 * the client is told nothing beyond "Internal Server Error". Rate-limited (journal-rate-limit.ts), so a client
 * that can trigger a 500 cannot flood the journal.
 */
export function journalInternalErrors(log: UnitLog, limit?: JournalRateLimit): (error: unknown, request: FastifyRequest) => void {
  const journal = rateLimitedLog(log, limit);
  return (error, request) => {
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    journal(`HTTP 500 on ${request.method} ${request.url}: ${detail}`, PRIORITY.err);
  };
}

function sendError(
  error: FastifyError | HttpError,
  request: FastifyRequest,
  reply: FastifyReply,
  onInternalError: HttpServerOptions['onInternalError'],
): void {
  // HttpError is a deliberate answer, whatever its status; fastify's own errors (bad JSON, validation, too large)
  // carry a 4xx statusCode and a message that names the problem.
  const status = error.statusCode;
  if (error instanceof HttpError || (status !== undefined && status >= 400 && status < 500)) {
    void reply.code(status ?? 500).send({ message: clientMessage(error, request) });
    return;
  }
  onInternalError?.(error, request);
  void reply.code(500).send({ message: 'Internal Server Error' });
}

/** fastify's text for an unsupported body type does not say which type; the client is better told. */
function clientMessage(error: FastifyError | HttpError, request: FastifyRequest): string {
  if ('code' in error && error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return `Unsupported Media Type: '${request.headers['content-type'] ?? ''}'`;
  return error.message;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
