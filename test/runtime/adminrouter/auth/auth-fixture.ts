/**
 * An Admin Router stand-in for the auth tests: a server from createHttpServer with the auth's login routes and one
 * protected route behind its guard, which echoes the uid and the headers an upstream would get.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../../runtime/http/listen-http.ts';
import { createAdminRouterAuth, type AdminRouterAuthOptions } from '../../../../runtime/adminrouter/auth/jwt-auth.ts';
import type { AdminRouterAuth } from '../../../../runtime/adminrouter/adminrouter-auth.ts';

export interface AuthServer {
  url: string;
  dataDir: string;
  auth: AdminRouterAuth;
  app: FastifyInstance;
  /** The cluster's RS256 signing key, as written in `<data_dir>/auth/`. */
  signingKey: KeyObject;
  close(): Promise<void>;
}

/** What the protected route answers: the guard's uid and the headers as the upstream would see them. */
export interface Upstream {
  uid: string;
  cookie: string | null;
  authorization: string | null;
}

export const PROTECTED_PATH = '/mesos/master/state';

export async function startAuthServer(options: Omit<AdminRouterAuthOptions, 'dataDir'> & { dataDir?: string } = {}): Promise<AuthServer> {
  const own = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'minidc-auth-')));
  const auth = await createAdminRouterAuth({ ...options, dataDir });
  const app = createHttpServer();
  await auth.registerRoutes(app);
  app.get(PROTECTED_PATH, async (request, reply) => {
    const uid = await auth.guard(request, reply);
    if (uid === undefined) return reply;
    const upstream: Upstream = { uid, cookie: request.headers.cookie ?? null, authorization: request.headers.authorization ?? null };
    return upstream;
  });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  const signingKey = createPrivateKey(await readFile(join(dataDir, 'auth', 'jwt-signing-key.pem'), 'utf8'));
  return {
    url,
    dataDir,
    auth,
    app,
    signingKey,
    close: async () => {
      await app.close();
      if (own) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function login(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/acs/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}
