/**
 * A Mesos-DNS serving process (forked by process-serving.ts): answers on the UDP socket and TCP server its parent
 * bound and handed over, from the records the parent sends on each rebuild. It exits when its IPC channel closes —
 * the parent stopped it, or died (even by SIGKILL) — so it never outlives minidc. Anything unexpected is thrown,
 * ending the process, so the parent fails the unit instead of serving stale records.
 */
import type dgram from 'node:dgram';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { SharedCounters } from '../wire/shared-counters.ts';
import { MesosDnsResponder, SERVING_COUNTER_KEYS } from './mesos-dns-responder.ts';
import type { FromServingProcess, ToServingProcess } from './process-serving.ts';
import { decodeRecords } from './record-transfer.ts';

if (process.send === undefined) throw new Error('serving-process.ts runs as a forked child with an IPC channel');
const post = (m: FromServingProcess) => void process.send!(m);
const counters = new SharedCounters(SERVING_COUNTER_KEYS);
const report = () => {
  const cpu = process.cpuUsage();
  return { counters: counters.snapshot(), loopActiveMs: performance.eventLoopUtilization().active, cpuMs: (cpu.user + cpu.system) / 1000 };
};

let udp: dgram.Socket | undefined;
let responder: MesosDnsResponder | undefined;

process.on('disconnect', () => process.exit(0));

/**
 * A socket received over IPC is built with dgram's default lookup, which runs dns.lookup (and defers a callback) on
 * every send — 10–15% of a reply's cost. Replies always go to an IP of the socket's family, so the lookup is
 * replaced the way `createSocket({ lookup })` would set it. Node keeps it on the socket's internal state; if that
 * ever moves, the default lookup stays (slower, still correct).
 */
function skipSendLookup(socket: dgram.Socket, family: 4 | 6): void {
  const key = Object.getOwnPropertySymbols(socket).find((k) => k.description === 'state symbol');
  const state = key === undefined ? undefined : (socket as unknown as Record<symbol, { handle?: { lookup?: unknown } }>)[key];
  if (typeof state?.handle?.lookup !== 'function') return;
  state.handle.lookup = (address: string, callback: (error: Error | null, address: string, family: number) => void) =>
    callback(null, address, family);
}

process.on('message', (m: ToServingProcess, handle: unknown) => {
  switch (m.type) {
    case 'udp':
      udp = handle as dgram.Socket;
      skipSendLookup(udp, m.family);
      return;
    case 'tcp': {
      if (udp === undefined) throw new Error('serving process: TCP server before UDP socket');
      responder = new MesosDnsResponder(m.settings, counters, (e) => post({ type: 'handlerError', message: (e as Error).message }), {
        udp,
        tcp: handle as net.Server,
      });
      responder.start().then(
        () => post({ type: 'listening' }),
        (e: unknown) => {
          throw e;
        },
      );
      return;
    }
    case 'install': {
      const bytes = m.records;
      responder!.install(decodeRecords(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer), m.serial);
      post({ type: 'installed', seq: m.seq, ...report() });
      return;
    }
    case 'report':
      post({ type: 'report', seq: m.seq, ...report() });
      return;
    case 'stop':
      void responder?.stop().then(() => process.exit(0));
      if (responder === undefined) process.exit(0);
      return;
    default:
      throw new Error(`serving process: unknown message ${JSON.stringify(m)}`);
  }
});
