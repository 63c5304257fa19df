/** A port the OS considers free on `ip` right now, for a component that must know its port before it binds. */
import { createServer, type AddressInfo } from 'node:net';
import { listenError } from '../http/listen-http.ts';

export function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenError(err, ip, 0)));
    probe.listen(0, ip, () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}
