/**
 * Where Admin Router finds a request's token (reference D.1): the `Authorization` header, `token=<jwt>` or
 * `Bearer <jwt>`, which overrides the cookie entirely (a header with neither form is no token, even with the
 * cookie set); without the header, the `dcos-acs-auth-cookie` cookie. And what it does before proxying: strips
 * DC/OS's two auth cookies (upstreams must not see them) and hands the cookie's token on as a header.
 */
import type { IncomingHttpHeaders } from 'node:http';
// @fastify/cookie's own parser (its `parse` only works once the plugin is registered on a server).
import { parseCookie } from 'cookie';

export const AUTH_COOKIE = 'dcos-acs-auth-cookie';
export const INFO_COOKIE = 'dcos-acs-info-cookie';

export interface FoundToken {
  token: string;
  from: 'header' | 'cookie';
}

export function findToken(headers: IncomingHttpHeaders): FoundToken | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const m = /^token=(.+)$/.exec(authorization) ?? /^Bearer (.+)$/.exec(authorization);
    return m ? { token: m[1]!.trim(), from: 'header' } : undefined;
  }
  const cookie = headers.cookie;
  if (cookie === undefined) return undefined;
  const token = parseCookie(cookie)[AUTH_COOKIE];
  return token ? { token, from: 'cookie' } : undefined;
}

/**
 * Removes the auth cookies from the `Cookie` header (dropping the header when nothing else is left) and, when the
 * token came from the cookie, sets `Authorization: token=<jwt>` so the upstream sees the header form only.
 */
export function prepareUpstreamHeaders(headers: IncomingHttpHeaders, found: FoundToken): void {
  if (headers.cookie !== undefined) {
    // Pair by pair rather than parse-and-reserialize, so the cookies that stay reach the upstream byte for byte.
    const kept = headers.cookie
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair !== '' && !isAuthCookie(pair.split('=', 1)[0]!.trim()));
    if (kept.length === 0) delete headers.cookie;
    else headers.cookie = kept.join('; ');
  }
  if (found.from === 'cookie') headers.authorization = `token=${found.token}`;
}

const isAuthCookie = (name: string): boolean => name === AUTH_COOKIE || name === INFO_COOKIE;
