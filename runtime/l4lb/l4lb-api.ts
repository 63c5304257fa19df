/**
 * The Minuteman HTTP API (DC/OS served it on port 61421) as a fastify plugin: `GET /vips`, `GET /vip/<ip:port>`,
 * `GET /metrics` and `GET /metrics/snapshot` (the same `l4lb/*` keys as a libprocess-style flat snapshot: keys
 * sorted, `?jsonp=`, so one scraper reads the VIP layer like a Mesos process). The JSON schemas validate nothing the client sends beyond the path but make serialisation
 * fast and document the shapes. Errors are JSON `{"error","message"}`: 400 for a malformed `ip:port`, 404 for a
 * VIP that does not exist.
 */
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { metricsSnapshotPlugin } from '../http/metrics-snapshot-plugin.ts';
import { formatIpPort, parseIpPort } from './ip-port.ts';
import type { VipsView, VipView } from './vip-registry.ts';

export interface L4lbApiSource {
  vips(): VipsView;
  vip(key: string): VipView | undefined;
  metrics(): Record<string, number>;
}

export interface L4lbApiOptions {
  source: L4lbApiSource;
  /** Told about every 500 (a bug), e.g. to write it to the unit's journal. */
  onInternalError?: (error: unknown, request: FastifyRequest) => void;
}

const counter = { type: 'integer', minimum: 0 } as const;

const backendSchema = {
  type: 'object',
  required: ['state', 'is_healthy', 'active_connections', 'total_successes', 'total_failures', 'consecutive_failures'],
  properties: {
    state: { type: 'string', enum: ['up', 'down', 'draining'] },
    is_healthy: { type: 'boolean' },
    active_connections: counter,
    total_successes: counter,
    total_failures: counter,
    consecutive_failures: counter,
  },
} as const;

const vipSchema = {
  type: 'object',
  required: ['name', 'state', 'listener', 'backends'],
  properties: {
    name: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['active', 'draining'] },
    listener: {
      type: 'object',
      required: ['state', 'error'],
      properties: {
        state: { type: 'string', enum: ['pending', 'listening', 'failed'] },
        error: { type: ['string', 'null'] },
      },
    },
    backends: { type: 'object', additionalProperties: backendSchema },
  },
} as const;

const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const l4lbApi: FastifyPluginAsync<L4lbApiOptions> = async (app, { source, onInternalError }) => {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) onInternalError?.(err, request);
    void reply.code(status).send({ error: status >= 500 ? 'internal_error' : 'bad_request', message: err.message });
  });

  app.get(
    '/vips',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['vips'],
            properties: { vips: { type: 'object', additionalProperties: vipSchema } },
          },
        },
      },
    },
    async () => source.vips(),
  );

  app.get<{ Params: { vip: string } }>(
    '/vip/:vip',
    {
      schema: {
        params: { type: 'object', required: ['vip'], properties: { vip: { type: 'string' } } },
        response: { 200: vipSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const addr = parseIpPort(request.params.vip);
      if (!addr) {
        return reply
          .code(400)
          .send({ error: 'invalid_vip', message: `"${request.params.vip}" is not ip:port (IPv6 as [ip]:port)` });
      }
      const key = formatIpPort(addr.ip, addr.port);
      const view = source.vip(key);
      if (!view) return reply.code(404).send({ error: 'unknown_vip', message: `no VIP ${key}` });
      return view;
    },
  );

  app.get(
    '/metrics',
    { schema: { response: { 200: { type: 'object', additionalProperties: { type: 'number' } } } } },
    async () => source.metrics(),
  );
  await app.register(metricsSnapshotPlugin, { collect: (out) => void Object.assign(out, source.metrics()) });
};
