// A UDP relay in front of a node's DNS forwarder, published as the node's `dns_forwarder` endpoint: paused, the
// forwarder's address stops answering while its unit stays active — what a hung forwarder looks like to a client.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { NodeServiceDescriptor } from '../../runtime/cluster/node-service.ts';

export class DnsRelay {
  paused = false;
  private front: Socket | undefined;
  private back: Socket | undefined;
  private readonly clients = new Map<number, RemoteInfo>();
  address = '';

  async open(ip: string, target: string): Promise<void> {
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const bind = (s: Socket) => new Promise<void>((resolve) => s.bind(0, ip, resolve));
    const front = createSocket('udp4');
    const back = createSocket('udp4');
    await bind(front);
    await bind(back);
    front.on('message', (msg, rinfo) => {
      if (this.paused || msg.length < 2) return;
      this.clients.set(msg.readUInt16BE(0), rinfo);
      back.send(msg, port, host);
    });
    back.on('message', (msg) => {
      const client = msg.length < 2 ? undefined : this.clients.get(msg.readUInt16BE(0));
      if (this.paused || client === undefined) return;
      front.send(msg, client.port, client.address);
    });
    this.front = front;
    this.back = back;
    this.address = `${ip}:${front.address().port}`;
  }

  close(): void {
    this.front?.close();
    this.back?.close();
    this.front = this.back = undefined;
  }
}

/** The forwarder's descriptor with a relay in front of its DNS address on every node; `relays` by node ip. */
export function relayedForwarder(forwarder: NodeServiceDescriptor, relays: Map<string, DnsRelay>): NodeServiceDescriptor {
  return {
    ...forwarder,
    create: (ctx) => {
      const relay = new DnsRelay();
      relays.set(ctx.node.ip, relay);
      let target = '';
      const inner = forwarder.create({
        ...ctx,
        publish: (endpoint, address) => (endpoint === 'dns_forwarder' ? void (target = address) : ctx.publish(endpoint, address)),
      });
      return {
        start: async (unit) => {
          await inner.start(unit);
          await relay.open(ctx.node.ip, target);
          ctx.publish('dns_forwarder', relay.address);
        },
        stop: async (unit) => {
          relay.close();
          await inner.stop(unit);
        },
      };
    },
  };
}
