/**
 * Messages between the control process and data-plane worker processes (node IPC, JSON). Events travel in batches,
 * in the order they happened, at most one message per event-loop turn, so a busy worker does not pay one IPC
 * message per connection and the breaker still sees failures and successes in order.
 */
import type { ProxySettings, ProxySpec } from './data-plane.ts';

export type ToWorker =
  | { type: 'init'; settings: ProxySettings }
  | { type: 'setVip'; seq: number; spec: ProxySpec }
  | { type: 'removeVip'; vip: string }
  | { type: 'setDown'; vip: string; backend: string; down: boolean }
  | { type: 'stop'; seq: number; drainMs: number };

export type WorkerEvent =
  | ['listening', string]
  | ['listenFailed', string, string]
  | ['connected', string, string]
  | ['connectFailed', string, string, string]
  | ['closed', string, string];

export type FromWorker = { type: 'ready' } | { type: 'ack'; seq: number } | { type: 'events'; events: WorkerEvent[] };
