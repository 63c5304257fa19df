/**
 * The Mesos-DNS serving thread (started by dns-serving.ts): owns the DNS sockets and answers from the records the
 * main thread publishes. Anything unexpected — a record set it cannot decode, a message it does not know — is
 * thrown, ending the thread, so the main thread fails the unit instead of serving stale records.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SharedCounters } from '../wire/shared-counters.ts';
import type { FromServingWorker, ServingWorkerInit, ToServingWorker } from './dns-serving.ts';
import { MesosDnsResponder, SERVING_COUNTER_KEYS } from './mesos-dns-responder.ts';
import { decodeRecords } from './record-transfer.ts';

const port = parentPort;
if (port === null) throw new Error('serving-worker.ts runs as a worker thread');
const init = workerData as ServingWorkerInit;
const post = (m: FromServingWorker) => port.postMessage(m);

const responder = new MesosDnsResponder(init.settings, new SharedCounters(SERVING_COUNTER_KEYS, init.counters), (e) =>
  post({ type: 'handlerError', message: (e as Error).message }),
);

port.on('message', (m: ToServingWorker) => {
  switch (m.type) {
    case 'install':
      responder.install(decodeRecords(m.records), m.serial);
      post({ type: 'installed', seq: m.seq });
      return;
    case 'stop':
      void responder.stop().then(() => port.close());
      return;
    default:
      throw new Error(`serving worker: unknown message ${JSON.stringify(m)}`);
  }
});

responder.start().then(
  (bound) => post({ type: 'listening', bound }),
  (e: unknown) => {
    post({ type: 'listenFailed', message: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
    port.close();
  },
);
