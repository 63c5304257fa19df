/** `GET /system/health/v1`: the node's own unit health, computed afresh on every request (as dcos-diagnostics). */
import type { FastifyPluginAsync } from 'fastify';
import type { NodeHealthResponse } from '../health/node-health.ts';

export const HEALTH_BASE = '/system/health/v1';

export interface NodeHealthPluginOptions {
  health: () => Promise<NodeHealthResponse>;
}

export const nodeHealthPlugin: FastifyPluginAsync<NodeHealthPluginOptions> = async (app, { health }) => {
  app.get(HEALTH_BASE, async () => health());
};
