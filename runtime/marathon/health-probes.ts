/**
 * One health probe of one task, as Marathon runs it from the scheduler: HTTP(S) GET answered with 2xx/3xx, a TCP
 * connect, or a shell command exiting 0. Each ends within its timeout (on the injected timers), and never throws:
 * every failure is an unhealthy result with its cause.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Timers } from '../time/clock.ts';
import type { HealthCheckKind } from './health-checks.ts';

export type ProbeResult = { readonly healthy: true } | { readonly healthy: false; readonly cause: string };

export interface ProbeRequest {
  readonly kind: HealthCheckKind;
  readonly host: string;
  /** HTTP(S) and TCP. */
  readonly port?: number;
  /** HTTP(S). */
  readonly path?: string;
  /** COMMAND: run with `/bin/sh -c`. */
  readonly command?: string;
  /** COMMAND: the task's environment (HOST, PORT0…, MESOS_TASK_ID, the app's env). */
  readonly env?: Readonly<Record<string, string>>;
  /** COMMAND: the working directory (Marathon does not know the task's sandbox). */
  readonly cwd?: string;
  readonly timeoutMs: number;
}

export type Probe = (request: ProbeRequest, timers: Timers) => Promise<ProbeResult>;

export const runProbe: Probe = (request, timers) => {
  switch (request.kind) {
    case 'http':
    case 'https':
      return httpProbe(request, timers);
    case 'tcp':
      return tcpProbe(request, timers);
    case 'command':
      return commandProbe(request, timers);
  }
};

const HEALTHY: ProbeResult = { healthy: true };
const unhealthy = (cause: string): ProbeResult => ({ healthy: false, cause });

/** Settles once, with the timeout's cleanup attached. */
function settleOnce(timers: Timers, timeoutMs: number, onTimeout: () => void) {
  let done = false;
  let resolve!: (r: ProbeResult) => void;
  const promise = new Promise<ProbeResult>((r) => (resolve = r));
  const timer = timers.setTimeout(() => {
    if (done) return;
    done = true;
    onTimeout();
    resolve(unhealthy(`Timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const settle = (result: ProbeResult) => {
    if (done) return;
    done = true;
    timers.clearTimeout(timer);
    resolve(result);
  };
  return { promise, settle };
}

function httpProbe(req: ProbeRequest, timers: Timers): Promise<ProbeResult> {
  if (req.port === undefined) return Promise.resolve(unhealthy('No port to check'));
  // The request is made after the timeout exists, and the timeout must be able to abort it.
  const box: { client?: ClientRequest } = {};
  const { promise, settle } = settleOnce(timers, req.timeoutMs, () => box.client?.destroy());
  const options = { host: req.host, port: req.port, path: req.path ?? '/', method: 'GET', agent: false as const };
  const onResponse = (res: IncomingMessage) => {
    const status = res.statusCode ?? 0;
    res.resume();
    res.on('error', () => undefined);
    settle(status >= 200 && status < 400 ? HEALTHY : unhealthy(`Got status code ${status}`));
    box.client?.destroy();
  };
  const client =
    req.kind === 'https'
      ? httpsRequest({ ...options, rejectUnauthorized: false }, onResponse)
      : httpRequest(options, onResponse);
  box.client = client;
  client.on('error', (err) => settle(unhealthy(err.message)));
  client.end();
  return promise;
}

function tcpProbe(req: ProbeRequest, timers: Timers): Promise<ProbeResult> {
  if (req.port === undefined) return Promise.resolve(unhealthy('No port to check'));
  const socket = connect({ host: req.host, port: req.port });
  const { promise, settle } = settleOnce(timers, req.timeoutMs, () => socket.destroy());
  socket.once('connect', () => {
    settle(HEALTHY);
    socket.destroy();
  });
  socket.on('error', (err) => settle(unhealthy(err.message)));
  return promise;
}

function commandProbe(req: ProbeRequest, timers: Timers): Promise<ProbeResult> {
  const child = spawn('/bin/sh', ['-c', req.command ?? 'false'], {
    cwd: req.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...req.env },
    // Its own process group, so a timeout can kill whatever the command started.
    detached: true,
    stdio: 'ignore',
  });
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const { promise, settle } = settleOnce(timers, req.timeoutMs, killGroup);
  child.once('error', (err) => settle(unhealthy(err.message)));
  child.once('exit', (code, signal) => {
    if (code === 0) settle(HEALTHY);
    else settle(unhealthy(signal !== null ? `Command terminated with signal ${signal}` : `Command exited with status ${code}`));
  });
  return promise;
}
