/**
 * JSON replies with Mesos's `?jsonp=<callback>` support (libprocess `OK(json, jsonp)`): with the parameter the body
 * is `<callback>(<json>)` served as text/javascript, which is how the old Mesos web UI read other hosts' endpoints.
 *
 * Unlike libprocess, the callback must look like a JavaScript name: anything else would let a link inject script.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from './http-error.ts';

const CALLBACK = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const MAX_CALLBACK_LENGTH = 128;

/** The `jsonp` query parameter, validated; undefined when absent. Throws a 400 HttpError when it is unusable. */
export function jsonpCallback(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.jsonp;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_CALLBACK_LENGTH || !CALLBACK.test(value))
    throw badRequest("Invalid 'jsonp' callback: expected a JavaScript function name");
  return value;
}

/** Sends already-serialised JSON (text, or UTF-8 bytes for large documents), wrapped for `?jsonp=` when asked. */
export function sendJsonText(request: FastifyRequest, reply: FastifyReply, json: string | Buffer): FastifyReply {
  const callback = jsonpCallback(request);
  if (callback === undefined) return reply.type('application/json; charset=utf-8').send(json);
  const wrapped =
    typeof json === 'string' ? `${callback}(${json})` : Buffer.concat([Buffer.from(`${callback}(`), json, Buffer.from(')')]);
  return reply.type('text/javascript; charset=utf-8').send(wrapped);
}

/** Serialises and sends a value, wrapped for `?jsonp=` when asked. */
export function sendJson(request: FastifyRequest, reply: FastifyReply, value: unknown): FastifyReply {
  return sendJsonText(request, reply, JSON.stringify(value));
}
