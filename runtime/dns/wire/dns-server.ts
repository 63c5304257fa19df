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
  /** A TCP connection with no complete query for this long is closed (RFC 7766 suggests seconds). */
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  /** Queries answered concurrently per TCP connection; reading pauses above it. */
  maxTcpInFlight?: number;
  /** Kernel receive buffer for the UDP socket, so bursts are queued rather than dropped. */
  udpReceiveBufferBytes?: number;
  /** Told about handler failures (the client gets SERVFAIL). */
  onHandlerError?: (error: unknown) => void;
}

export interface BoundAddress {
  host: string;
  port: number;
}

const BIND_ATTEMPTS = 20;

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly connections = new Set<net.Socket>();
  private readonly opts: Required<Omit<DnsServerOptions, 'onHandlerError'>> & Pick<DnsServerOptions, 'onHandlerError'>;

  constructor(options: DnsServerOptions) {
    this.opts = {
      tcpIdleTimeoutMs: 10_000,
      maxTcpConnections: 1024,
      maxTcpInFlight: 32,
      udpReceiveBufferBytes: 4 * 1024 * 1024,
      ...options,
    };
  }

  async start(): Promise<BoundAddress> {
    const { host, port } = this.opts;
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(host, port);
      const udpPort = udp.address().port;
      try {
        this.tcp = await this.listenTcp(host, udpPort);
        this.udp = udp;
        return { host, port: udpPort };
      } catch (e) {
        udp.close();
        // With an ephemeral port, TCP may find it taken by someone else: try another.
        if (port !== 0 || attempt >= BIND_ATTEMPTS || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      }
    }
  }

  async stop(): Promise<void> {
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  private bindUdp(host: string, port: number): Promise<dgram.Socket> {
    const socket = dgram.createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      recvBufferSize: this.opts.udpReceiveBufferBytes,
    });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        // Send failures (EMSGSIZE, a vanished client) concern one reply only.
        socket.on('error', () => undefined);
        socket.on('message', (msg, rinfo) => this.onDatagram(socket, msg, rinfo));
        resolve(socket);
      });
    });
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

  private listenTcp(host: string, port: number): Promise<net.Server> {
    const server = net.createServer({ noDelay: true }, (socket) => this.onConnection(socket));
    server.maxConnections = this.opts.maxTcpConnections;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        resolve(server);
      });
    });
  }

  private onConnection(socket: net.Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(this.opts.tcpIdleTimeoutMs, () => socket.destroy());
    const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    let pending: Buffer = Buffer.alloc(0);
    let inFlight = 0;

    const send = (reply: Buffer | null) => {
      if (reply === null || socket.destroyed) return;
      const framed = reply.length > TCP_MAX_SIZE ? truncateReply(reply, TCP_MAX_SIZE) : reply;
      const frame = Buffer.allocUnsafe(framed.length + 2);
      frame.writeUInt16BE(framed.length, 0);
      framed.copy(frame, 2);
      socket.write(frame);
    };
    const done = () => {
      inFlight--;
      if (inFlight < this.opts.maxTcpInFlight && socket.isPaused()) socket.resume();
    };

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const size = pending.readUInt16BE(0);
        if (pending.length < size + 2) break;
        // Copy so one long-lived query does not pin a large read buffer.
        const msg = Buffer.from(pending.subarray(2, size + 2));
        pending = pending.subarray(size + 2);
        const reply = this.answer(msg, 'tcp', remote);
        if (!(reply instanceof Promise)) {
          send(reply);
          continue;
        }
        inFlight++;
        if (inFlight >= this.opts.maxTcpInFlight) socket.pause();
        void reply.then(send).finally(done);
      }
    });
  }
}
