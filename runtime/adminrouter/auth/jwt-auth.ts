/**
 * The master Admin Router's authentication (runtime/adminrouter/adminrouter-auth.ts): its guard admits a request
 * with a valid JWT (token-source.ts finds it, token-verifier.ts judges it) and answers every other with 401; its
 * routes are the login. Built from the cluster's config and data dir: keys and accounts live in `<data_dir>/auth/`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminRouterAuth } from '../adminrouter-auth.ts';
import type { Clock } from '../../time/clock.ts';
import { systemTime } from '../../time/system-time.ts';
import { AccountStore } from './account-store.ts';
import { authDirOf } from './auth-dir.ts';
import { LoginRateLimit, type LoginRateLimitOptions } from './login-rate-limit.ts';
import { registerLoginRoutes } from './login-routes.ts';
import { loadSigningKeys } from './signing-keys.ts';
import { TokenIssuer } from './token-issuer.ts';
import { findToken, prepareUpstreamHeaders } from './token-source.ts';
import { TokenVerifier } from './token-verifier.ts';
import { MISSING_TOKEN_CODE, replyUnauthorized, UNAUTHORIZED_CODE } from './unauthorized-reply.ts';

/** DC/OS IAM's token lifetime (reference D.1): five days. */
export const DEFAULT_TOKEN_LIFETIME_MS = 5 * 24 * 3_600_000;

/** The cluster config's auth keys (a ClusterConfig has them all) and the data dir. */
export interface AdminRouterAuthOptions {
  dataDir: string;
  /** `auth_hs256_secret_file`: HS256 tokens signed with this file's secret are admitted too. */
  authHs256SecretFile?: string;
  /** `auth_token_lifetime`: how long a token from login is valid. Default 5 days. */
  authTokenLifetimeMs?: number;
  clock?: Clock;
  /** Failed logins allowed per client address (default 30) and per uid (default 10) within a window (default 60 s). */
  loginRateLimit?: LoginRateLimitOptions & { perAddress?: number; perUid?: number };
}

/** Loads (on the first run: makes) the cluster's signing keys; fails with AuthKeyError on a bad key or secret file. */
export async function createAdminRouterAuth(options: AdminRouterAuthOptions): Promise<AdminRouterAuth> {
  const clock = options.clock ?? systemTime;
  const authDir = authDirOf(options.dataDir);
  const keys = await loadSigningKeys(authDir, options.authHs256SecretFile);
  const verifier = new TokenVerifier(keys, clock);
  const loginOptions = {
    accounts: new AccountStore(authDir),
    issuer: new TokenIssuer(keys, options.authTokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS, clock),
    addressLimit: new LoginRateLimit(clock, { ...options.loginRateLimit, maxFailures: options.loginRateLimit?.perAddress ?? 30 }),
    uidLimit: new LoginRateLimit(clock, { ...options.loginRateLimit, maxFailures: options.loginRateLimit?.perUid ?? 10 }),
    clock,
  };
  return {
    async guard(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
      const found = findToken(request.headers);
      if (found === undefined) {
        const why = request.headers.authorization === undefined
          ? 'no token: send Authorization: token=<jwt> (or Bearer <jwt>) or the dcos-acs-auth-cookie cookie'
          : 'the Authorization header is neither token=<jwt> nor Bearer <jwt>';
        replyUnauthorized(request, reply, MISSING_TOKEN_CODE, why);
        return undefined;
      }
      const check = await verifier.verify(found.token);
      if (!check.ok) {
        replyUnauthorized(request, reply, UNAUTHORIZED_CODE, check.reason);
        return undefined;
      }
      prepareUpstreamHeaders(request.headers, found);
      return check.uid;
    },
    registerRoutes: (app: FastifyInstance) => registerLoginRoutes(app, loginOptions),
  };
}

/**
 * What the master's Admin Router gets for a config: undefined when `adminrouter_auth_enabled` is false (all open);
 * otherwise the auth, its keys loaded (on the first start: made) once, when the server registers its routes, so a
 * bad key or secret file fails the unit's start with the reason.
 */
export function adminRouterAuthFor(config: AdminRouterAuthOptions & { adminrouterAuthEnabled: boolean }): AdminRouterAuth | undefined {
  if (!config.adminrouterAuthEnabled) return undefined;
  let loading: Promise<AdminRouterAuth> | undefined;
  const loaded = () => {
    if (loading === undefined) {
      loading = createAdminRouterAuth(config);
      // A failed load is tried again at the next start.
      loading.catch(() => (loading = undefined));
    }
    return loading;
  };
  return {
    guard: async (request, reply) => (await loaded()).guard(request, reply),
    registerRoutes: async (app) => (await loaded()).registerRoutes(app),
  };
}
