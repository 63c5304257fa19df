/**
 * A SERVER span for every request of a fastify server, named `METHOD /route/template` (the route as declared, so
 * `/v2/apps/:id` is one span name, not one per app), continuing the caller's trace when it sends `traceparent`.
 * Streaming responses (event streams, the scheduler API) end their span when the stream closes.
 */
import { context, propagation, SpanKind, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { endSpan, tracer } from './tracer.ts';

const spans = new WeakMap<FastifyRequest, Span>();

export function traceRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(route === undefined ? request.method : `${request.method} ${route}`, { kind: SpanKind.SERVER }, parent);
    // Attributes only for a recording span: with tracing off a request costs the no-op span and nothing more.
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': request.method,
        ...(route === undefined ? {} : { 'http.route': route }),
        'url.path': pathOf(request.url),
        'server.address': request.socket.localAddress ?? '',
        'server.port': request.socket.localPort ?? 0,
      });
      spans.set(request, span);
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      spans.delete(request);
      const status = reply.statusCode;
      endSpan(span, { 'http.response.status_code': status }, status >= 500 ? `HTTP ${status}` : undefined);
    }
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      spans.delete(request);
      endSpan(span, undefined, 'client closed the connection');
    }
    done();
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
