/**
 * GET /v2/events as Marathon serves it: a server-sent event stream, one `event: <eventType>` / `data: <json>` pair
 * per event, `?event_type=` (repeatable) to receive only some types. Each stream starts with
 * `event_stream_attached`; a comment line every 15 s keeps idle connections (and proxies) from timing out.
 *
 * A consumer that stops reading is dropped once 4 MiB are queued for it, rather than buffering without bound.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MarathonEvent, MarathonEventBus } from './marathon-events.ts';

export const HEARTBEAT_INTERVAL_MS = 15_000;
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export interface EventStreamQuery {
  event_type?: string[];
}

/** Registers the route; open streams are ended when the server closes, so closing never waits on a consumer. */
export function registerEventStream(app: FastifyInstance, bus: MarathonEventBus, now: () => number): void {
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of [...open]) end();
    done();
  });
  app.get<{ Querystring: EventStreamQuery }>(
    '/v2/events',
    { schema: { querystring: { type: 'object', properties: { event_type: { type: 'array', items: { type: 'string' } } } } } },
    (request: FastifyRequest<{ Querystring: EventStreamQuery }>, reply: FastifyReply) => {
      const wanted = new Set(request.query.event_type ?? []);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      // A HEAD (fastify serves one for every GET) gets the headers alone: node sends none until a body write that
      // HEAD never makes, so the client would wait for ever.
      if (request.method === 'HEAD') {
        res.end();
        return;
      }
      const send = (event: MarathonEvent): void => {
        if (wanted.size > 0 && !wanted.has(event.eventType)) return;
        res.write(`event: ${event.eventType}\ndata: ${JSON.stringify(event)}\n\n`);
        if (res.writableLength > MAX_QUEUED_BYTES) end();
      };
      const unsubscribe = bus.subscribe(send);
      const heartbeat = setInterval(() => res.write(':\n\n'), HEARTBEAT_INTERVAL_MS);
      const end = (): void => {
        if (!open.delete(end)) return;
        unsubscribe();
        clearInterval(heartbeat);
        res.end();
        res.socket?.destroySoon();
      };
      open.add(end);
      res.on('close', end);
      send({ eventType: 'event_stream_attached', timestamp: new Date(now()).toISOString(), remoteAddress: request.ip });
    },
  );
}
