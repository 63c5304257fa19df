/**
 * What Admin Router asks of authentication (runtime/adminrouter/auth/ provides it): a hook that admits a request
 * to a protected location or answers 401 itself, and the routes that issue tokens (`/acs/api/v1/auth/login`). A
 * master's Admin Router without one is DC/OS's `adminrouter_auth_enabled: false`: every location open.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface AdminRouterAuth {
  /**
   * Admits the request (resolving with the token's `uid`) or has already answered it (401 with
   * `WWW-Authenticate: oauthjwt`) and resolves with undefined. Before admitting it strips DC/OS's auth cookies and,
   * when the token came from the `dcos-acs-auth-cookie` cookie, sets `Authorization: token=<jwt>` for the upstream.
   */
  guard(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined>;
  /** Registers the open login routes under `/acs/api/v1/auth/` on the master's Admin Router server. */
  registerRoutes(app: FastifyInstance): Promise<void>;
}
