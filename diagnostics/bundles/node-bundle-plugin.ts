/**
 * The node level of dcos-diagnostics' v2 bundle API (reference A.5) under `/system/health/v1/node/diagnostics`:
 * PUT starts this node's bundle (body ignored), GET lists or shows, `…/{id}/file` downloads a Done one, DELETE
 * cancels or deletes. Errors are `{code,error}`; a bundle that is not Done is never served (404 while running,
 * 410 once Failed, Canceled or Deleted).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { NodeBundleContent } from './bundle-content.ts';
import type { BundleJobs } from './bundle-jobs.ts';
import { BUNDLE_ID_PARAMS, bundleHandler, sendBundleZip, sendError, sendFailure } from './bundle-replies.ts';
import { nodeBundleWork } from './node-bundle-work.ts';

export const NODE_BUNDLES = '/system/health/v1/node/diagnostics';

export interface NodeBundlePluginOptions {
  jobs: BundleJobs;
  content: NodeBundleContent;
}

const schema = { params: BUNDLE_ID_PARAMS };

export const nodeBundlePlugin: FastifyPluginAsync<NodeBundlePluginOptions> = async (app, { jobs, content }) => {
  const { store } = jobs;
  const notFound = (id: string) => `bundle ${id} not found`;
  const work = nodeBundleWork(content);

  app.get(NODE_BUNDLES, async (_request, reply) => store.list().catch((err: unknown) => sendFailure(reply, err)));
  app.put(`${NODE_BUNDLES}/:id`, { schema }, bundleHandler((id) => jobs.start(id, 'Local', work)));
  app.get(
    `${NODE_BUNDLES}/:id`,
    { schema },
    bundleHandler(async (id, _request, reply) => (await store.get(id)) ?? sendError(reply, 404, notFound(id))),
  );
  app.get(`${NODE_BUNDLES}/:id/file`, { schema }, bundleHandler((id, request, reply) => sendBundleZip(store, request, reply, id, notFound(id))));
  app.delete(
    `${NODE_BUNDLES}/:id`,
    { schema },
    bundleHandler(async (id, _request, reply) => (await jobs.delete(id)) ?? sendError(reply, 404, notFound(id))),
  );
};
