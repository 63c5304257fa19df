/**
 * One request to a server, answered or closed within a bound: what a fuzz test needs to tell "answered", "closed
 * on us" and "hung" apart. The body is read only up to MAX_BODY_BYTES or for STREAM_READ_MS after the status line
 * (a stream such as Marathon's /v2/events never ends; its status line is the answer).
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import type { FuzzRequest } from './fuzz-requests.ts';

export interface Exchange {
  /** The status, when a status line came back. */
  status?: number;
  /** The start of the body (or of what the server wrote, for a raw exchange). */
  body: string;
  /** True when nothing came back within the bound. */
  hung: boolean;
  /** The socket error, when the server closed or reset before answering. */
  error?: string;
}

const MAX_BODY_BYTES = 16 * 1024;
const STREAM_READ_MS = 2000;

export function httpExchange(base: string, req: FuzzRequest, timeoutMs: number): Promise<Exchange> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let settled = false;
    const done = (e: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      resolve(e);
    };
    const client = request({ host: url.hostname, port: url.port, method: req.method, path: req.target, headers: req.headers, agent: false }, (res) => {
      let body = '';
      const finish = () => done({ status: res.statusCode!, body, hung: false });
      // Answered: what of the body comes soon enough is read (a stream stops there).
      clearTimeout(timer);
      timer = setTimeout(finish, STREAM_READ_MS);
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
        if (body.length >= MAX_BODY_BYTES) finish();
      });
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
    });
    let timer = setTimeout(() => done({ body: '', hung: true }), timeoutMs);
    client.on('error', (err: NodeJS.ErrnoException) => done({ body: '', hung: false, error: err.code ?? err.message }));
    client.end(req.body);
  });
}

/** Writes `bytes` on a fresh connection, half-closes it, and waits for the server to answer or close. */
export function rawExchange(host: string, port: number, bytes: Buffer, timeoutMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const socket = connect({ host, port });
    const done = (e: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(e);
    };
    const timer = setTimeout(() => done({ body: received, hung: true }), timeoutMs);
    const answered = () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      return { ...(m ? { status: Number(m[1]) } : {}), body: received, hung: false };
    };
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.length >= MAX_BODY_BYTES) done(answered());
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done({ ...answered(), error: err.code ?? err.message }));
    socket.on('close', () => done(answered()));
  });
}
