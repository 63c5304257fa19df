/**
 * `/dcos-metadata/dcos-version.json` as DC/OS serves it (open, `Cache-Control: no-cache`): the version, and the
 * image commit and bootstrap id of the build. minidc has no image or bootstrap of its own, so both are digests of
 * its release, stable for one version.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const RELEASE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export interface DcosVersion {
  version: string;
  'dcos-image-commit': string;
  'bootstrap-id': string;
}

/** As the node's dcos-diagnostics reports it: `DCOS_VERSION` when set, else minidc's version. */
export function dcosVersion(env: NodeJS.ProcessEnv = process.env): DcosVersion {
  const digest = (what: string) => createHash('sha1').update(`${RELEASE.name}@${RELEASE.version} ${what}`).digest('hex');
  return { version: env.DCOS_VERSION ?? RELEASE.version, 'dcos-image-commit': digest('image'), 'bootstrap-id': digest('bootstrap') };
}

export const DCOS_VERSION_PATH = '/dcos-metadata/dcos-version.json';

const versionSchema = {
  type: 'object',
  properties: { version: { type: 'string' }, 'dcos-image-commit': { type: 'string' }, 'bootstrap-id': { type: 'string' } },
  required: ['version', 'dcos-image-commit', 'bootstrap-id'],
} as const;

export async function dcosVersionPlugin(app: FastifyInstance): Promise<void> {
  const body = dcosVersion();
  app.get(DCOS_VERSION_PATH, { schema: { response: { 200: versionSchema } } }, async (_request, reply) => {
    void reply.header('cache-control', 'no-cache');
    return body;
  });
}
