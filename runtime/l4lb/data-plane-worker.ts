/**
 * Entry point of a data-plane worker process (forked by `WorkerDataPlane` through node:cluster, so every worker's
 * VIP listeners share one listening socket and the kernel spreads connections over them). It runs an
 * `InProcessDataPlane` and reports its events to the control process.
 */
import type { DataPlaneEvents } from './data-plane.ts';
import { InProcessDataPlane } from './in-process-data-plane.ts';
import { systemTime } from '../time/system-time.ts';
import type { FromWorker, ToWorker, WorkerEvent } from './worker-protocol.ts';

function send(message: FromWorker, then?: () => void): void {
  process.send?.(message, undefined, undefined, () => then?.());
}

let queue: WorkerEvent[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  if (queue.length === 0) return;
  const events = queue;
  queue = [];
  send({ type: 'events', events });
}

function emit(event: WorkerEvent): void {
  queue.push(event);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

const events: DataPlaneEvents = {
  listening: (vip) => emit(['listening', vip]),
  listenFailed: (vip, _plane, error) => emit(['listenFailed', vip, error]),
  connected: (vip, backend) => emit(['connected', vip, backend]),
  connectFailed: (vip, backend, error) => emit(['connectFailed', vip, backend, error]),
  closed: (vip, backend) => emit(['closed', vip, backend]),
};

let plane: InProcessDataPlane | undefined;

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'init':
      plane = new InProcessDataPlane({
        settings: message.settings,
        events,
        clock: systemTime,
        random: Math.random,
      });
      break;
    case 'setVip':
      void (plane?.setVip(message.spec) ?? Promise.resolve()).then(() => {
        flush(); // the listen outcome must reach the control process before the acknowledgement
        send({ type: 'ack', seq: message.seq });
      });
      break;
    case 'removeVip':
      plane?.removeVip(message.vip);
      break;
    case 'setDown':
      plane?.setDown(message.vip, message.backend, message.down);
      break;
    case 'stop':
      void (plane?.stop(message.drainMs) ?? Promise.resolve()).then(() => {
        flush();
        send({ type: 'ack', seq: message.seq }, () => process.exit(0));
      });
      break;
  }
});

// Without the control process nobody can steer or count this worker's connections: end with it.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready' });
