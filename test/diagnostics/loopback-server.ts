// A plain node:http server on a loopback address (a fake node for the pull tests).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function serve(ip: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  return { server, url: `http://${ip}:${(server.address() as AddressInfo).port}` };
}
