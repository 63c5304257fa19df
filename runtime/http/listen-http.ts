/**
 * Binds a server and reports where it listens. Bind failures become one line an operator can act on
 * ("cannot listen on 127.0.1.1:5050: address already in use") instead of a bare errno.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

export async function listenHttp(app: FastifyInstance, host: string, port: number): Promise<ListeningAddress> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    throw listenError(err, host, port);
  }
  const address = app.server.address() as AddressInfo;
  return { host, port: address.port, url: `http://${hostPort(host, address.port)}` };
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied (ports below 1024 need privileges)',
};

/** The one-line error for a failed bind; the original error is kept as `cause`. */
export function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code !== undefined ? REASONS[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
  return new Error(`cannot listen on ${hostPort(host, port)}: ${reason}`, { cause: err });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
