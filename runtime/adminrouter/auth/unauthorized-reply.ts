/**
 * Admin Router's 401 (reference D.1): `WWW-Authenticate: oauthjwt` and a small HTML "Unauthorized" page, as DC/OS
 * answers browsers. The page names the reason; a client that accepts JSON but not HTML (a script, the CLI) gets the
 * same reason as IAM-shaped JSON, `{"title","description","code"}`, so it need not scrape HTML.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const UNAUTHORIZED_CODE = 'ERR_INVALID_AUTH_TOKEN';
export const MISSING_TOKEN_CODE = 'ERR_MISSING_AUTH_TOKEN';

export function replyUnauthorized(request: FastifyRequest, reply: FastifyReply, code: string, reason: string): void {
  void reply.code(401).header('www-authenticate', 'oauthjwt');
  if (wantsJsonOnly(request.headers.accept)) {
    void reply.type('application/json; charset=utf-8').send({ title: 'Unauthorized', description: reason, code });
    return;
  }
  void reply.type('text/html; charset=UTF-8').send(unauthorizedPage(reason));
}

/** `Accept` names JSON and nothing that is HTML (nor a wildcard a browser sends). */
function wantsJsonOnly(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(',').map((t) => t.split(';', 1)[0]!.trim().toLowerCase());
  return types.includes('application/json') && !types.some((t) => t === 'text/html' || t === '*/*' || t === 'text/*');
}

/** `reason` is one of the verifier's own sentences, never text from the request, so it goes in unescaped. */
function unauthorizedPage(reason: string): string {
  return `<!DOCTYPE html>
<html>
<head><title>Unauthorized</title></head>
<body>
<h1>401 Unauthorized</h1>
<p>${reason}. Log in with <code>minidc auth login</code> (or POST /acs/api/v1/auth/login) and send the token as <code>Authorization: token=…</code>.</p>
</body>
</html>
`;
}
