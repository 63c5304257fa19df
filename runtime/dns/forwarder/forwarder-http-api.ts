/**
 * The forwarder's HTTP API (dcos-net's REST port, 62080 in DC/OS): its metrics — requests by zone and rcode, the
 * duration histogram, upstream failures, records per zone, TCP connection limits — as one flat JSON object of
 * numbers with sorted keys, the way Mesos's `/metrics/snapshot` reads, for operators and the collectors.
 *
 * `POST /v1/fault {"hang": true}` is minidc's own, for tests of the DNS watchdog: the forwarder stops answering
 * while its unit stays active (`{"hang": false}` undoes it; a restart does too). Only loopback clients may use it.
 */
import { isIPv4 } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { snapshotJson } from '../../http/metrics-snapshot-plugin.ts';
import type { ForwarderMetricsSnapshot } from './forwarder-metrics.ts';

export interface ForwarderHttpApiOptions {
  /** The running forwarder's metrics; undefined while it is stopped (the route then answers 503). */
  metrics: () => ForwarderMetricsSnapshot | undefined;
  /** Hangs or un-hangs the running forwarder; false while it is stopped (the route then answers 503). */
  setHung: (hung: boolean) => boolean;
}

const FAULT_BODY = {
  type: 'object',
  required: ['hang'],
  additionalProperties: false,
  properties: { hang: { type: 'boolean' } },
} as const;

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || (isIPv4(v4) && v4.startsWith('127.'));
}

export const forwarderHttpApi: FastifyPluginAsync<ForwarderHttpApiOptions> = async (app, options) => {
  app.get('/v1/metrics', async (_req, reply) => {
    const m = options.metrics();
    if (!m) return reply.code(503).send({ message: 'the DNS forwarder is not running' });
    return reply.type('application/json').send(snapshotJson(m));
  });

  app.post<{ Body: { hang: boolean } }>('/v1/fault', { bodyLimit: 1024, schema: { body: FAULT_BODY } }, async (request, reply) => {
    if (!isLoopback(request.socket.remoteAddress))
      return reply.code(403).send({ message: 'faults can only be set from a loopback address' });
    if (!options.setHung(request.body.hang)) return reply.code(503).send({ message: 'the DNS forwarder is not running' });
    return { hang: request.body.hang };
  });
};
