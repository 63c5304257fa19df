// Test doubles for Admin Router: upstreams that answer with what they received, and an Admin Router on an
// OS-chosen port.
import type { TestContext } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminRouterAuth } from '../../../runtime/adminrouter/adminrouter-auth.ts';
import type { AdminRouterUpstreams, AgentAddress } from '../../../runtime/adminrouter/adminrouter-upstreams.ts';
import { AdminRouter } from '../../../runtime/adminrouter/adminrouter.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import type { ProxyOptions } from '../../../runtime/adminrouter/proxy-location.ts';

export const NO_HANG = { timeout: 60_000 };

/** What an echo upstream saw of one request. */
export interface Echo {
  upstream: string;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
}

/** An HTTP server on 127.0.0.1 answering every request with an Echo of it (as JSON). */
export async function echoUpstream(t: TestContext, name: string): Promise<string> {
  return serve(t, (req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      const echo: Echo = { upstream: name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(echo));
    });
  });
}

export async function serve(t: TestContext, handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Upstreams the test rewrites: endpoints by name, the leader, the agents. */
export class FakeUpstreams implements AdminRouterUpstreams {
  endpoints: Record<string, string> = {};
  leader: string | undefined;
  agentList: AgentAddress[] = [];
  endpoint(name: string): string | undefined {
    return this.endpoints[name];
  }
  leadingMaster(): string | undefined {
    return this.leader;
  }
  agents(): readonly AgentAddress[] {
    return this.agentList;
  }
}

/** A started Admin Router (closed when the test ends) on an OS-chosen port, and its base URL. */
export async function startAdminRouter(
  t: TestContext,
  flavour: 'master' | 'agent',
  upstreams: AdminRouterUpstreams,
  options: { auth?: AdminRouterAuth } & ProxyOptions = {},
): Promise<{ router: AdminRouter; url: string }> {
  const router = new AdminRouter({ flavour, upstreams, ...options });
  const app = await router.server();
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(() => app.close());
  return { router, url };
}

export async function getJson<T>(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000), ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}
