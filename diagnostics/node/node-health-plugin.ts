/**
 * `GET /system/health/v1`: the node's own unit health, computed afresh on every request (as dcos-diagnostics);
 * `GET /system/health/v1/timers`: its timers, next and last run, and how the last run ended.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { NodeHealthResponse } from '../health/node-health.ts';
import type { NodeTimer } from '../health/node-timers.ts';

export const HEALTH_BASE = '/system/health/v1';

export interface NodeHealthPluginOptions {
  health: () => Promise<NodeHealthResponse>;
  /** Absent: no timers route. */
  timers?: () => Promise<{ timers: NodeTimer[] }>;
}

export const nodeHealthPlugin: FastifyPluginAsync<NodeHealthPluginOptions> = async (app, { health, timers }) => {
  app.get(HEALTH_BASE, async () => health());
  if (timers) app.get(`${HEALTH_BASE}/timers`, async () => timers());
};
