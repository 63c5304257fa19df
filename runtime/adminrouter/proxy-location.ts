/**
 * One proxied location of Admin Router (`location /mesos/ { proxy_pass … }` in DC/OS's nginx config), built on
 * @fastify/http-proxy: bodies stream both ways (request bodies are handed on unparsed, responses are piped), and
 * hop-by-hop headers, `..` escapes and `Location` rewriting are the library's. The upstream is chosen per request;
 * one that is not bound yet answers 503, and one that refuses, resets or times out answers 502/504, each as
 * `{"message"}` naming the upstream.
 */
import httpProxy from '@fastify/http-proxy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http/http-error.ts';
import type { AdminRouterAuth } from './adminrouter-auth.ts';
import { DEFAULT_MAX_PROXIED_BODY_BYTES, bodyTooLargeIn, limitProxiedBody } from './proxied-body-limit.ts';

export interface ProxyLocation {
  /** The path it answers, e.g. `/mesos`: requests to `/mesos/…` (and to `/mesos` itself with `bare`). */
  prefix: string;
  /** What the upstream sees in place of the prefix: `''` strips it, the prefix itself keeps the path. */
  rewritePrefix: string;
  /** Also answer the prefix without a trailing slash (`/system/health/v1`). */
  bare?: boolean;
  /** The upstream's base URL for this request; undefined while it is not bound. May throw an HttpError (404). */
  target(request: FastifyRequest): string | undefined;
  /** Names the upstream in errors, e.g. `marathon`. */
  upstream: string | ((request: FastifyRequest) => string);
  /** A protected location asks this first (DC/OS's auth column "A"); absent: open. */
  guard?: AdminRouterAuth['guard'];
}

export interface ProxyTimeouts {
  /** TCP connect to the upstream. */
  connectMs: number;
  /** Until the upstream's response headers, and between two chunks of its body (an idle stream is cut). */
  idleMs: number;
}

export const DEFAULT_PROXY_TIMEOUTS: ProxyTimeouts = { connectMs: 5_000, idleMs: 120_000 };

/** How every proxied location of one Admin Router behaves: its upstream timeouts and its request body limit. */
export interface ProxyOptions {
  timeouts?: ProxyTimeouts;
  /** Largest request body handed on, bytes (proxied-body-limit.ts). Default 1 GiB. */
  maxBodyBytes?: number;
}

const targets = new WeakMap<FastifyRequest, string>();

export async function registerProxyLocation(app: FastifyInstance, location: ProxyLocation, options: ProxyOptions = {}): Promise<void> {
  const timeouts = options.timeouts ?? DEFAULT_PROXY_TIMEOUTS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_PROXIED_BODY_BYTES;
  const name = (request: FastifyRequest) => (typeof location.upstream === 'string' ? location.upstream : location.upstream(request));
  // The proxy hands bodies on unparsed with parsers of its own, which the server's JSON parser would clash with.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // The guard comes first (onRequest, before any body parsing or routing detail): without a token a protected
    // location answers 401 whatever the method, content type or body, and no work is spent on the body.
    const guard = location.guard;
    if (guard !== undefined)
      scope.addHook('onRequest', async (request, reply) => {
        if ((await guard(request, reply)) === undefined) return reply;
      });
    await scope.register(httpProxy, {
    prefix: location.prefix,
    rewritePrefix: location.rewritePrefix,
    routes: location.bare ? ['/', '/*'] : ['/*'],
    upstream: '',
    undici: { connect: { timeout: timeouts.connectMs }, headersTimeout: timeouts.idleMs, bodyTimeout: timeouts.idleMs },
    // DC/OS's Admin Router tells upstreams who asked (X-Forwarded-*, X-Real-IP); the library adds none itself.
    replyOptions: {
      getUpstream: (request) => targets.get(request as FastifyRequest) ?? '',
      rewriteRequestHeaders: (request, headers) => ({
        ...headers,
        'x-forwarded-for': forwardedFor(request as FastifyRequest, headers['x-forwarded-for']),
        'x-forwarded-proto': 'http',
        'x-real-ip': (request as FastifyRequest).ip,
      }),
      onError: (reply, { error }) => upstreamFailed(reply as FastifyReply, name(reply.request as FastifyRequest), error),
    },
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const url = location.target(request);
      if (url === undefined) throw new HttpError(503, `Service Unavailable: ${name(request)} has no address yet (not started, or not elected)`);
      limitProxiedBody(request, reply, maxBodyBytes);
      targets.set(request, url);
    },
  });
  });
}

function forwardedFor(request: FastifyRequest, previous: string | string[] | undefined): string {
  const before = Array.isArray(previous) ? previous.join(', ') : previous;
  return before === undefined || before === '' ? request.ip : `${before}, ${request.ip}`;
}

/** reply-from's error for a failed upstream request, as the status nginx gives it and a message naming the upstream. */
function upstreamFailed(reply: FastifyReply, upstream: string, error: Error & { statusCode?: number; cause?: unknown }): void {
  const tooLarge = bodyTooLargeIn(error);
  if (tooLarge !== undefined) {
    void reply.code(413).header('connection', 'close').send({ message: tooLarge.message });
    return;
  }
  const status = error.statusCode === 503 || error.statusCode === 504 ? error.statusCode : 502;
  const cause = error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException).code;
  const detail = code !== undefined && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  const title = status === 504 ? 'Gateway Timeout' : status === 503 ? 'Service Unavailable' : 'Bad Gateway';
  void reply.code(status).send({ message: `${title}: ${upstream} did not answer (${detail})` });
}
