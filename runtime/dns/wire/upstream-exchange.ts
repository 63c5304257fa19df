/**
 * Sending one query to one upstream resolver and waiting for its reply, over the client's transport. The query
 * bytes go out unchanged and the reply comes back unchanged (RFC 5625 transparent proxying), so the client's ID,
 * flags and EDNS options pass through.
 */
import dgram from 'node:dgram';
import net, { isIP, isIPv6 } from 'node:net';
import { Flag } from './dns-constants.ts';
import type { Transport } from './dns-response.ts';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** `"1.2.3.4"`, `"1.2.3.4:5353"`, `"::1"`, `"[::1]:5353"` → upstream; throws on anything else. */
export function parseUpstream(text: string, defaultPort = 53): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, port] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : isIPv6(text)
      ? [text, undefined]
      : (text.split(':') as [string, string | undefined]);
  const portNumber = port === undefined ? defaultPort : Number(port);
  if (!isIP(host) || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new Error(`not an upstream resolver address (ip or ip:port): ${JSON.stringify(text)}`);
  }
  return { host, port: portNumber };
}

export function upstreamLabel(u: Upstream): string {
  return isIPv6(u.host) ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}

export class UpstreamError extends Error {}

/** Resolves with the upstream's reply; rejects on timeout, abort, network error or a closed connection. */
export function exchange(
  upstream: Upstream,
  query: Buffer,
  transport: Transport,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  return transport === 'udp' ? exchangeUdp(upstream, query, timeoutMs, signal) : exchangeTcp(upstream, query, timeoutMs, signal);
}

function isReplyTo(reply: Buffer, query: Buffer): boolean {
  return reply.length >= 12 && reply[0] === query[0] && reply[1] === query[1] && (reply[2]! & (Flag.QR >> 8)) !== 0;
}

/** Runs `attach` with settle callbacks that also clear the timer and abort listener; `cleanup` runs once. */
function settleOnce(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  cleanup: () => void,
  attach: (resolve: (b: Buffer) => void, reject: (e: Error) => void) => void,
): Promise<Buffer> {
  return new Promise((resolvePromise, rejectPromise) => {
    let settled = false;
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup();
    };
    const resolve = (b: Buffer) => {
      if (settled) return;
      finish();
      resolvePromise(b);
    };
    const reject = (e: Error) => {
      if (settled) return;
      finish();
      rejectPromise(e);
    };
    const onAbort = () => reject(new UpstreamError('aborted'));
    const timer = setTimeout(() => reject(new UpstreamError(`no reply within ${timeoutMs} ms`)), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    attach(resolve, reject);
  });
}

function exchangeUdp(upstream: Upstream, query: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  // A fresh socket (fresh random source port) per exchange, so a reply can only come from this exchange's peer.
  const socket = dgram.createSocket(isIPv6(upstream.host) ? 'udp6' : 'udp4');
  return settleOnce(timeoutMs, signal, () => socket.close(), (resolve, reject) => {
    socket.on('error', (e) => reject(new UpstreamError(e.message)));
    socket.on('message', (reply, rinfo) => {
      if (rinfo.port === upstream.port && isReplyTo(reply, query)) resolve(reply);
    });
    socket.send(query, upstream.port, upstream.host);
  });
}

function exchangeTcp(upstream: Upstream, query: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  const socket = net.connect({ host: upstream.host, port: upstream.port, noDelay: true });
  return settleOnce(timeoutMs, signal, () => socket.destroy(), (resolve, reject) => {
    let received = Buffer.alloc(0);
    socket.on('error', (e) => reject(new UpstreamError(e.message)));
    socket.on('close', () => reject(new UpstreamError('connection closed before a reply')));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const size = received.readUInt16BE(0);
      if (received.length < size + 2) return;
      const reply = received.subarray(2, size + 2);
      if (isReplyTo(reply, query)) resolve(Buffer.from(reply));
      else reject(new UpstreamError('reply does not match the query'));
    });
    const frame = Buffer.allocUnsafe(query.length + 2);
    frame.writeUInt16BE(query.length, 0);
    query.copy(frame, 2);
    socket.write(frame);
  });
}
