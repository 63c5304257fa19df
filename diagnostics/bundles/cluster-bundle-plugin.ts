/**
 * The cluster level of the v2 bundle API (reference A.5), on masters, under `/system/health/v1/diagnostics`. PUT
 * takes `{"masters":bool,"agents":bool}` (both default true; an empty body is fine) and minidc's `"nodes":[selector…]`
 * (the legacy selectors, so one node can be targeted). minidc has one master, whose own store holds the cluster
 * bundles, so list/status/file answer from it where DC/OS asked every master. DELETE answers 200 with an empty body.
 */
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { BundleJobs } from './bundle-jobs.ts';
import { BUNDLE_ID_PARAMS, bundleHandler, sendBundleZip, sendError, sendFailure } from './bundle-replies.ts';
import type { ClusterBundleCoordinator } from './cluster-bundle-coordinator.ts';
import type { NodeSelection } from './node-selection.ts';

export const CLUSTER_BUNDLES = '/system/health/v1/diagnostics';

export interface ClusterBundlePluginOptions {
  jobs: BundleJobs;
  coordinator: ClusterBundleCoordinator;
}

const createBody = {
  type: ['object', 'null'],
  properties: {
    masters: { type: 'boolean' },
    agents: { type: 'boolean' },
    nodes: { type: 'array', maxItems: 10_000, items: { type: 'string', maxLength: 256 } },
  },
} as const;
const schema = { params: BUNDLE_ID_PARAMS };

export const clusterBundlePlugin: FastifyPluginAsync<ClusterBundlePluginOptions> = async (app, { jobs, coordinator }) => {
  const { store } = jobs;
  const missing = (id: string) => `bundle ${id} did not exist on any masters`;
  // Within this plugin a bad body is v2's `{code,error}`; anything else goes on to the server's handler.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return sendError(reply, error.statusCode, `could not parse request body: ${error.message}`);
    throw error;
  });

  app.get(CLUSTER_BUNDLES, async (_request, reply) => store.list().catch((err: unknown) => sendFailure(reply, err)));
  app.put(
    `${CLUSTER_BUNDLES}/:id`,
    { schema: { ...schema, body: createBody } },
    bundleHandler((id, request: FastifyRequest<{ Params: { id: string }; Body: NodeSelection | null }>) => coordinator.start(id, request.body ?? {})),
  );
  app.get(
    `${CLUSTER_BUNDLES}/:id`,
    { schema },
    bundleHandler(async (id, _request, reply) => (await store.get(id)) ?? sendError(reply, 404, missing(id))),
  );
  app.get(`${CLUSTER_BUNDLES}/:id/file`, { schema }, bundleHandler((id, request, reply) => sendBundleZip(store, request, reply, id, missing(id))));
  app.delete(
    `${CLUSTER_BUNDLES}/:id`,
    { schema },
    bundleHandler(async (id, _request, reply) => {
      if ((await jobs.delete(id)) === undefined) return sendError(reply, 404, `bundle ${id} not found on any master`);
      return reply.code(200).send();
    }),
  );
};
