// Shared pieces for the l4lb tests: real backends on ephemeral ports, clients that open a fresh connection per
// request, and an L4lb that is stopped after each test (tests that move time use runtime/time/manual-clock.ts).
import type { TestContext } from 'node:test';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { L4lb, type L4lbOptions } from '../../../runtime/l4lb/l4lb.ts';
import type { VipView } from '../../../runtime/l4lb/vip-registry.ts';
import { seededRandom } from '../../../runtime/allocator/seeded-random.ts';

/** Guards every test against hanging on an event that never comes; no test asserts on time. */
export const NO_HANG = { timeout: 20_000 };

/** A name no other test (or concurrently running test file) uses, so its VIP address is its own. */
export function uniqueVipName(): string {
  return `/t${randomUUID().slice(0, 12)}`;
}

export function vipFqdn(name: string): string {
  return `${name.slice(1)}.marathon.l4lb.thisdcos.directory`;
}

export interface HttpBackend {
  readonly id: string;
  readonly port: number;
  readonly address: { ip: string; port: number };
  /** Stops listening and cuts its connections: from now on connects are refused. */
  kill(): Promise<void>;
}

/** A tiny HTTP server answering its own id. */
export async function httpBackend(t: TestContext, id: string): Promise<HttpBackend> {
  const server = http.createServer((_req, res) => res.end(id));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let killed = false;
  const kill = async () => {
    if (killed) return;
    killed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t.after(kill);
  return { id, port, address: { ip: '127.0.0.1', port }, kill };
}

export interface TcpBackend {
  readonly port: number;
  readonly address: { ip: string; port: number };
  /** Sockets accepted so far, in order. */
  readonly accepted: Socket[];
  /** Resolves with the n-th accepted socket (1-based) once it exists. */
  acceptedNth(n: number): Promise<Socket>;
}

/** A TCP server whose connection handling the test chooses (echo by default). */
export async function tcpBackend(
  t: TestContext,
  onConnection: (socket: Socket) => void = (s) => s.pipe(s),
): Promise<TcpBackend> {
  const accepted: Socket[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of accepted) s.destroy();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  const acceptedNth = async (n: number): Promise<Socket> => {
    while (accepted.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return accepted[n - 1]!;
  };
  return { port, address: { ip: '127.0.0.1', port }, accepted, acceptedNth };
}

/** A port on 127.0.0.1 where nothing listens (connects are refused). */
export async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET over a new connection (no keep-alive), so every request makes the proxy pick a backend. */
export function httpGet(ip: string, port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** An open TCP client connection with helpers to exchange text. */
export interface TcpClient {
  readonly socket: Socket;
  /** Sends `text` and resolves with the next `text.length` bytes received (an echo round trip). */
  roundTrip(text: string): Promise<string>;
  close(): Promise<void>;
}

export function tcpClient(ip: string, port: number): Promise<TcpClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port }, () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // a reset shows as 'close', which round trips check
      let received = '';
      let notify: (() => void) | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        received += d;
        notify?.();
      });
      socket.on('close', () => notify?.());
      resolve({
        socket,
        async roundTrip(text) {
          received = '';
          socket.write(text);
          while (received.length < text.length) {
            if (socket.destroyed) throw new Error('connection closed during round trip');
            await new Promise<void>((r) => (notify = r));
          }
          notify = undefined;
          return received;
        },
        close: () =>
          new Promise<void>((r) => {
            if (socket.destroyed) return r();
            socket.once('close', () => r());
            socket.end();
          }),
      });
    });
    socket.on('error', reject);
  });
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

export interface TestL4lb {
  readonly lb: L4lb;
  readonly api: string;
  /** The VIP's API view; throws if the VIP does not exist. */
  vipView(key: string): VipView;
}

export async function startL4lb(t: TestContext, options: Partial<L4lbOptions> = {}): Promise<TestL4lb> {
  const lb = new L4lb({
    api: { host: '127.0.0.1', port: 0 },
    random: seededRandom(7),
    drainTimeoutMs: 2000,
    ...options,
  });
  const { api } = await lb.start();
  t.after(() => lb.stop());
  return {
    lb,
    api,
    vipView(key) {
      const view = lb.vip(key);
      if (!view) throw new Error(`no VIP ${key}`);
      return view;
    },
  };
}

/** Sets a named VIP with these backends and returns its `ip:port` key and address. */
export async function namedVip(
  lb: L4lb,
  port: number,
  backends: { ip: string; port: number }[],
): Promise<{ key: string; ip: string; port: number; name: string }> {
  const name = uniqueVipName();
  await lb.setBackends(`${name}:${port}`, backends);
  const ip = lb.resolveName(vipFqdn(name))?.[0];
  if (ip === undefined) throw new Error(`${name} did not resolve`);
  return { key: `${ip}:${port}`, ip, port, name };
}
