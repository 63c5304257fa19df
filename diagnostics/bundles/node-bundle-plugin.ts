/**
 * The node level of dcos-diagnostics' v2 bundle API (reference A.5) under `/system/health/v1/node/diagnostics`:
 * PUT starts this node's bundle (body ignored), GET lists or shows, `…/{id}/file` downloads a Done one, DELETE
 * cancels or deletes. Errors are `{code,error}`; a bundle that is not Done is never served (404 while running,
 * 410 once Failed, Canceled or Deleted).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { NodeBundleContent } from './bundle-content.ts';
import type { BundleJobs } from './bundle-jobs.ts';
import { checkedId, downloadable, sendError, sendFailure, sendZip } from './bundle-replies.ts';
import { nodeBundleWork } from './node-bundle-work.ts';

export const NODE_BUNDLES = '/system/health/v1/node/diagnostics';
/** What dcos-diagnostics sends with a bundle download (both types, as it does). */
export const ZIP_CONTENT_TYPE = 'application/zip, application/octet-stream';

export interface NodeBundlePluginOptions {
  jobs: BundleJobs;
  content: NodeBundleContent;
}

const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

export const nodeBundlePlugin: FastifyPluginAsync<NodeBundlePluginOptions> = async (app, { jobs, content }) => {
  const { store } = jobs;
  const notFound = (id: string) => `bundle ${id} not found`;
  const work = nodeBundleWork(content);

  app.get(NODE_BUNDLES, async (_request, reply) => store.list().catch((err: unknown) => sendFailure(reply, err)));

  app.put<{ Params: { id: string } }>(`${NODE_BUNDLES}/:id`, { schema: { params: idParams } }, async (request, reply) => {
    const id = checkedId(reply, request.params.id);
    if (id === undefined) return reply;
    return jobs.start(id, 'Local', work).catch((err: unknown) => sendFailure(reply, err));
  });

  app.get<{ Params: { id: string } }>(`${NODE_BUNDLES}/:id`, { schema: { params: idParams } }, async (request, reply) => {
    const id = checkedId(reply, request.params.id);
    if (id === undefined) return reply;
    try {
      return (await store.get(id)) ?? sendError(reply, 404, notFound(id));
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.get<{ Params: { id: string } }>(`${NODE_BUNDLES}/:id/file`, { schema: { params: idParams } }, async (request, reply) => {
    const id = checkedId(reply, request.params.id);
    if (id === undefined) return reply;
    try {
      if ((await downloadable(store, reply, id, notFound(id))) === undefined) return reply;
      return await sendZip(request, reply, {
        path: store.zipPath(id),
        filename: `${id}.zip`,
        contentType: ZIP_CONTENT_TYPE,
        onMissing: (r) => sendError(r, 410, `bundle ${id} was Deleted`),
      });
    } catch (err) {
      return sendFailure(reply, err);
    }
  });

  app.delete<{ Params: { id: string } }>(`${NODE_BUNDLES}/:id`, { schema: { params: idParams } }, async (request, reply) => {
    const id = checkedId(reply, request.params.id);
    if (id === undefined) return reply;
    try {
      return (await jobs.delete(id)) ?? sendError(reply, 404, notFound(id));
    } catch (err) {
      return sendFailure(reply, err);
    }
  });
};
