/**
 * A DNS server on one address and port over UDP and TCP (RFC 7766 framing). It parses each message, answers format
 * errors itself, hands well-formed queries to a handler and sends what comes back. Nothing a client sends can throw
 * out of here: unparseable messages get FORMERR or silence, a throwing handler gets SERVFAIL.
 */
import dgram from 'node:dgram';
import net, { isIPv6 } from 'node:net';
import { Rcode, TCP_MAX_SIZE } from './dns-constants.ts';
import { DROP, parseQuery } from './dns-query.ts';
import type { DnsQuery } from './dns-query.ts';
import type { Transport } from './dns-response.ts';
import { emptyReply, headerOnlyReply, truncateReply } from './dns-response.ts';
import { SharedCounters } from './shared-counters.ts';

/** What the server counts about its TCP connections (a gauge and counters), for its owner's metrics. */
export const DNS_SERVER_COUNTER_KEYS = ['tcp_connections', 'tcp_closed_deadline', 'tcp_closed_idle', 'tcp_evicted'] as const;
export type DnsServerCounterKey = (typeof DNS_SERVER_COUNTER_KEYS)[number];
/** Where the counts go: the server's own SharedCounters, or an owner's with more keys. */
export interface DnsServerCounters {
  inc(key: DnsServerCounterKey): void;
  set(key: DnsServerCounterKey, value: number): void;
  get(key: DnsServerCounterKey): number;
}

export interface Remote {
  readonly address: string;
  readonly port: number;
}

/** Returns the reply, or null to send nothing. */
export type DnsHandler = (query: DnsQuery, transport: Transport, remote: Remote) => Buffer | null | Promise<Buffer | null>;

export interface DnsServerOptions {
  host: string;
  /** 0 picks a free port; UDP and TCP always share it. */
  port: number;
  handler: DnsHandler;
  /** A TCP connection silent this long between messages is closed (RFC 7766 suggests seconds). */
  tcpIdleTimeoutMs?: number;
  /**
   * A TCP message must arrive whole within this long of its first byte, or the connection is closed: otherwise a
   * client dripping one byte at a time holds its slot forever, as every byte resets the idle timeout.
   */
  tcpMessageDeadlineMs?: number;
  /** When the table is full, a new connection evicts the oldest idle one (else the oldest) rather than being reset. */
  maxTcpConnections?: number;
  /** Queries answered concurrently per TCP connection; reading pauses above it. */
  maxTcpInFlight?: number;
  /** Kernel receive buffer for the UDP socket, so bursts are queued rather than dropped. */
  udpReceiveBufferBytes?: number;
  /** Told about handler failures (the client gets SERVFAIL). */
  onHandlerError?: (error: unknown) => void;
  /** Where the TCP counters go (shared with another thread, say); default: the server's own. */
  counters?: DnsServerCounters;
  /** Serve on sockets bound elsewhere (bindDnsSockets, handed over by another process) instead of binding. */
  sockets?: DnsSockets;
}

/** A UDP socket and a TCP server bound to one address and port, with no listeners yet. */
export interface DnsSockets {
  udp: dgram.Socket;
  tcp: net.Server;
}

/** TCP limits as the servers built on this one take them. */
export interface TcpLimits {
  idleTimeoutMs?: number;
  messageDeadlineMs?: number;
  maxConnections?: number;
}

export function tcpLimitOptions(limits: TcpLimits | undefined): Partial<DnsServerOptions> {
  const out: Partial<DnsServerOptions> = {};
  if (limits?.idleTimeoutMs !== undefined) out.tcpIdleTimeoutMs = limits.idleTimeoutMs;
  if (limits?.messageDeadlineMs !== undefined) out.tcpMessageDeadlineMs = limits.messageDeadlineMs;
  if (limits?.maxConnections !== undefined) out.maxTcpConnections = limits.maxConnections;
  return out;
}

/** One open TCP connection; the table keeps them oldest first. */
interface TcpConnection {
  readonly socket: net.Socket;
  /** Some bytes of a message have arrived, not all. */
  midMessage: boolean;
  inFlight: number;
}

export interface BoundAddress {
  host: string;
  port: number;
}

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly connections = new Map<net.Socket, TcpConnection>();
  private readonly opts: Required<Omit<DnsServerOptions, 'onHandlerError' | 'counters' | 'sockets'>> &
    Pick<DnsServerOptions, 'onHandlerError' | 'sockets'>;
  private readonly tcpCounters: DnsServerCounters;

  constructor(options: DnsServerOptions) {
    this.tcpCounters = options.counters ?? new SharedCounters(DNS_SERVER_COUNTER_KEYS);
    this.opts = {
      tcpIdleTimeoutMs: 10_000,
      tcpMessageDeadlineMs: 2000,
      maxTcpConnections: 1024,
      maxTcpInFlight: 32,
      udpReceiveBufferBytes: 4 * 1024 * 1024,
      ...options,
    };
  }

  async start(): Promise<BoundAddress> {
    const { host, port } = this.opts;
    const sockets = this.opts.sockets ?? (await bindDnsSockets(host, port, this.opts.udpReceiveBufferBytes));
    this.adopt(sockets);
    return { host, port: sockets.udp.address().port };
  }

  private adopt({ udp, tcp }: DnsSockets): void {
    // Send failures (EMSGSIZE, a vanished client) concern one reply only.
    udp.on('error', () => undefined);
    udp.on('message', (msg, rinfo) => this.onDatagram(udp, msg, rinfo));
    tcp.on('error', () => undefined);
    tcp.on('connection', (socket: net.Socket) => {
      socket.setNoDelay(true);
      this.onConnection(socket);
    });
    this.udp = udp;
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.connections.keys()) c.destroy();
    this.connections.clear();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  counters(): Record<DnsServerCounterKey, number> {
    const out = {} as Record<DnsServerCounterKey, number>;
    for (const k of DNS_SERVER_COUNTER_KEYS) out[k] = this.tcpCounters.get(k);
    return out;
  }

  private onDatagram(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const reply = this.answer(msg, 'udp', rinfo);
    if (reply === null) return;
    if (!(reply instanceof Promise)) {
      socket.send(reply, rinfo.port, rinfo.address);
      return;
    }
    void reply.then((r) => {
      if (r !== null && this.udp === socket) socket.send(r, rinfo.port, rinfo.address);
    });
  }

  /** Parse and hand over; a Promise only when the handler is asynchronous. Never throws or rejects. */
  private answer(msg: Buffer, transport: Transport, remote: Remote): Buffer | null | Promise<Buffer | null> {
    const query = parseQuery(msg);
    if (typeof query === 'number') return query === DROP ? null : headerOnlyReply(msg, query);
    if (query.edns !== undefined && query.edns.version !== 0) return emptyReply(query, Rcode.BADVERS);
    let result: Buffer | null | Promise<Buffer | null>;
    try {
      result = this.opts.handler(query, transport, remote);
    } catch (e) {
      return this.handlerFailed(query, e);
    }
    if (!(result instanceof Promise)) return result;
    return result.catch((e: unknown) => this.handlerFailed(query, e));
  }

  private handlerFailed(query: DnsQuery, error: unknown): Buffer {
    this.opts.onHandlerError?.(error);
    return emptyReply(query, Rcode.SERVFAIL);
  }

  /** Makes room for one more connection: the oldest idle one goes, or else the oldest of all. */
  private evictOne(): void {
    let victim: TcpConnection | undefined;
    for (const c of this.connections.values()) {
      if (!c.midMessage && c.inFlight === 0) {
        victim = c;
        break;
      }
      victim ??= c;
    }
    if (victim === undefined) return;
    this.connections.delete(victim.socket);
    this.tcpCounters.inc('tcp_evicted');
    victim.socket.destroy();
  }

  private onConnection(socket: net.Socket): void {
    if (this.connections.size >= this.opts.maxTcpConnections) this.evictOne();
    const conn: TcpConnection = { socket, midMessage: false, inFlight: 0 };
    this.connections.set(socket, conn);
    this.tcpCounters.set('tcp_connections', this.connections.size);
    let deadline: NodeJS.Timeout | undefined;
    socket.on('close', () => {
      clearTimeout(deadline);
      if (this.connections.get(socket) === conn) this.connections.delete(socket);
      this.tcpCounters.set('tcp_connections', this.connections.size);
    });
    socket.on('error', () => socket.destroy());
    socket.setTimeout(this.opts.tcpIdleTimeoutMs, () => {
      this.tcpCounters.inc('tcp_closed_idle');
      socket.destroy();
    });
    const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    let pending: Buffer = Buffer.alloc(0);

    const send = (reply: Buffer | null) => {
      if (reply === null || socket.destroyed) return;
      const framed = reply.length > TCP_MAX_SIZE ? truncateReply(reply, TCP_MAX_SIZE) : reply;
      const frame = Buffer.allocUnsafe(framed.length + 2);
      frame.writeUInt16BE(framed.length, 0);
      framed.copy(frame, 2);
      socket.write(frame);
    };
    const missedDeadline = () => {
      this.tcpCounters.inc('tcp_closed_deadline');
      socket.destroy();
    };
    const armDeadline = () => {
      if (conn.midMessage && deadline === undefined) deadline = setTimeout(missedDeadline, this.opts.tcpMessageDeadlineMs);
    };
    const done = () => {
      conn.inFlight--;
      if (conn.inFlight < this.opts.maxTcpInFlight && socket.isPaused()) {
        socket.resume();
        armDeadline();
      }
    };

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let completed = false;
      while (pending.length >= 2) {
        const size = pending.readUInt16BE(0);
        if (pending.length < size + 2) break;
        completed = true;
        // Copy so one long-lived query does not pin a large read buffer.
        const msg = Buffer.from(pending.subarray(2, size + 2));
        pending = pending.subarray(size + 2);
        const reply = this.answer(msg, 'tcp', remote);
        if (!(reply instanceof Promise)) {
          send(reply);
          continue;
        }
        conn.inFlight++;
        if (conn.inFlight >= this.opts.maxTcpInFlight) socket.pause();
        void reply.then(send).finally(done);
      }
      // The deadline runs from the first byte of the message still incomplete.
      if (completed || pending.length === 0) {
        clearTimeout(deadline);
        deadline = undefined;
      }
      conn.midMessage = pending.length > 0;
      // While reading is paused (too many queries in flight) the rest of a message cannot arrive: no deadline then.
      if (socket.isPaused()) {
        clearTimeout(deadline);
        deadline = undefined;
      } else {
        armDeadline();
      }
    });
  }
}

const BIND_ATTEMPTS = 20;

/** Binds UDP and TCP on one port (0: a free one, the same for both); nothing is answered until a DnsServer adopts them. */
export async function bindDnsSockets(host: string, port: number, udpReceiveBufferBytes = 4 * 1024 * 1024): Promise<DnsSockets> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(host, port, udpReceiveBufferBytes);
    try {
      return { udp, tcp: await listenTcp(host, udp.address().port) };
    } catch (e) {
      udp.close();
      // With an ephemeral port, TCP may find it taken by someone else: try another.
      if (port !== 0 || attempt >= BIND_ATTEMPTS || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
}

function bindUdp(host: string, port: number, recvBufferSize: number): Promise<dgram.Socket> {
  const family = isIPv6(host) ? 6 : 4;
  const socket = dgram.createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    recvBufferSize,
    // Replies go to the address a datagram came from, always an IP of the socket's family: skip dns.lookup (and
    // its deferred callback) on every send.
    lookup: (address, _options, callback) => callback(null, address, family),
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function listenTcp(host: string, port: number): Promise<net.Server> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
