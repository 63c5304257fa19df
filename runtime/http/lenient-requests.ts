/**
 * The request leniencies the servers minidc imitates have and real clients depend on, applied to every surface
 * built on createHttpServer:
 *
 * - Boolean query parameters case-insensitively: Python clients format booleans as `True`/`False`
 *   (`?force=True`), Marathon and Mesos read them either way. Only parameters a route's querystring schema declares
 *   boolean are touched, so a string parameter keeps its case.
 * - An empty body with a JSON content type is no body: clients send `Content-Type: application/json` on every
 *   request, DELETE and body-less POSTs included. A route that needs a body still says so (it sees `undefined`).
 *   The same parser refuses JSON nested deeper than MAX_JSON_DEPTH before parsing it (request-limits.ts).
 */
import type { FastifyInstance, FastifyRequest, RouteOptions, preValidationHookHandler } from 'fastify';
import { badRequest } from './http-error.ts';
import { jsonNestsDeeperThan } from './json-depth.ts';
import { MAX_JSON_DEPTH } from './request-limits.ts';

export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(badRequest(`Invalid JSON: nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** An onRoute hook: routes whose querystring schema has boolean parameters get them lower-cased before validation. */
export function readBooleanQueryCaseInsensitively(route: RouteOptions): void {
  const names = booleanParameters(route.schema?.querystring);
  if (names.length === 0) return;
  const lowerCase: preValidationHookHandler = (request: FastifyRequest, _reply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query) for (const name of names) query[name] = lowerCaseBoolean(query[name]);
    done();
  };
  const existing = route.preValidation;
  route.preValidation = existing === undefined ? [lowerCase] : [lowerCase, ...(Array.isArray(existing) ? existing : [existing])];
}

function lowerCaseBoolean(value: unknown): unknown {
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase();
  if (Array.isArray(value)) return value.map(lowerCaseBoolean);
  return value;
}

function booleanParameters(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const properties = (schema as { properties?: unknown }).properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, unknown>)
    .filter(([, p]) => {
      const type = (p as { type?: unknown } | null)?.type;
      return type === 'boolean' || (Array.isArray(type) && type.includes('boolean'));
    })
    .map(([name]) => name);
}
