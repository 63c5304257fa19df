// Test doubles for Admin Router: upstreams that answer with what they received, and an Admin Router unit on an
// OS-chosen port with a journal the test can read.
import type { TestContext } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminRouterAuth } from '../../../runtime/adminrouter/adminrouter-auth.ts';
import type { AdminRouterUpstreams, AgentAddress } from '../../../runtime/adminrouter/adminrouter-upstreams.ts';
import { AdminRouterUnit } from '../../../runtime/adminrouter/adminrouter-unit.ts';
import type { ProxyTimeouts } from '../../../runtime/adminrouter/proxy-location.ts';
import type { UnitContext } from '../../../runtime/units/unit.ts';

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

export function unitContext(lines: string[] = []): UnitContext & { lines: string[] } {
  return {
    unit: 'dcos-adminrouter.service',
    signal: new AbortController().signal,
    log: (message) => void lines.push(message),
    fail: (status, reason) => void lines.push(`failed ${status}: ${reason}`),
    exit: () => undefined,
    lines,
  };
}

/** A started Admin Router unit (stopped when the test ends) and its base URL. */
export async function startAdminRouter(
  t: TestContext,
  flavour: 'master' | 'agent',
  upstreams: AdminRouterUpstreams,
  options: { auth?: AdminRouterAuth; timeouts?: ProxyTimeouts } = {},
): Promise<{ router: AdminRouterUnit; url: string; ctx: ReturnType<typeof unitContext> }> {
  const router = new AdminRouterUnit({ flavour, host: '127.0.0.1', port: 0, upstreams, ...options });
  const ctx = unitContext();
  await router.start(ctx);
  t.after(() => router.stop());
  return { router, url: router.url!, ctx };
}

export async function getJson<T>(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000), ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T };
}
