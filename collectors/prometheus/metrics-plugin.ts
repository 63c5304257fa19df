/**
 * `GET /metrics`: the Prometheus text exposition of one scrape (DC/OS's Telegraf Prometheus output, port 61091).
 * Scrapes run one at a time per endpoint: a Prometheus that retries while a slow scrape is still running joins it
 * instead of starting a second set of requests against the same sources.
 */
import type { FastifyPluginAsync } from 'fastify';
import { PROMETHEUS_CONTENT_TYPE } from './exposition.ts';

export interface MetricsPluginOptions {
  /** One scrape rendered as exposition text. */
  exposition: () => Promise<string>;
}

export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, options) => {
  let running: Promise<string> | undefined;
  app.get('/metrics', async (_request, reply) => {
    running ??= options.exposition().finally(() => (running = undefined));
    const text = await running;
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
  });
};
