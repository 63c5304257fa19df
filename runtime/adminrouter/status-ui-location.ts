/**
 * `/`: the status page (ui/), DC/OS's UI location on the master's Admin Router. The page and its assets are open,
 * as DC/OS served its UI's files: they hold no cluster data. Everything the page shows it fetches from the guarded
 * locations with the `dcos-acs-auth-cookie` cookie, and without a valid one it shows its login form, which posts to
 * `/acs/api/v1/auth/login`. Assets live under a content-hash path, so they are cached for ever; `/` never is.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { assetPrefix, statusUiBundle } from '../../ui/build/status-ui-bundle.ts';

/** uPlot sizes its canvas with inline styles; nothing else is inline, and nothing comes from elsewhere. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

export async function statusUiLocation(app: FastifyInstance): Promise<void> {
  const bundle = await statusUiBundle();
  await app.register(fastifyStatic, { root: bundle.dir, prefix: assetPrefix(bundle.hash), decorateReply: false, index: false, immutable: true, maxAge: '365d' });
  app.get('/', { schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .type('text/html; charset=utf-8')
      .send(bundle.indexHtml),
  );
}
