/**
 * Reading the agent endpoints' query parameters with the error texts Mesos answers them with.
 */
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../../http/http-error.ts';

export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`Expecting a single '${name}' in query`);
  return value;
}

/** `path`, which every `/files` endpoint requires. */
export function requiredPath(request: FastifyRequest): string {
  const path = queryParam(request, 'path');
  if (path === undefined || path === '') throw badRequest("Expecting 'path=value' in query.");
  return path;
}

/** An integer parameter (`offset`, `length`); undefined when absent. */
export function integerParam(request: FastifyRequest, name: string): number | undefined {
  const text = queryParam(request, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(n))
    throw badRequest(`Failed to parse ${name}: Failed to convert '${text}' to number.`);
  return n;
}
