/**
 * The forwarder's HTTP API (dcos-net's REST port, 62080 in DC/OS): its metrics — requests by zone and rcode, the
 * duration histogram, upstream failures, records per zone, TCP connection limits — as one flat JSON object of
 * numbers with sorted keys, the way Mesos's `/metrics/snapshot` reads, for operators and the collectors.
 */
import type { FastifyPluginAsync } from 'fastify';
import { snapshotJson } from '../../http/metrics-snapshot-plugin.ts';
import type { ForwarderMetricsSnapshot } from './forwarder-metrics.ts';

export interface ForwarderHttpApiOptions {
  /** The running forwarder's metrics; undefined while it is stopped (the route then answers 503). */
  metrics: () => ForwarderMetricsSnapshot | undefined;
}

export const forwarderHttpApi: FastifyPluginAsync<ForwarderHttpApiOptions> = async (app, options) => {
  app.get('/v1/metrics', async (_req, reply) => {
    const m = options.metrics();
    if (!m) return reply.code(503).send({ message: 'the DNS forwarder is not running' });
    return reply.type('application/json').send(snapshotJson(m));
  });
};
