/**
 * A closed-loop HTTP/1.1 load client for the benchmarks, run in its own process so its work does not share the
 * server's event loop: `node --import tsx bench/http-load-client.ts URL CONCURRENCY SECONDS [HEADER…]`. Each of
 * CONCURRENCY keep-alive connections sends a GET (with each `Name: value` HEADER, e.g. `Accept-Encoding: gzip`),
 * reads the whole response and sends the next, for SECONDS; prints one JSON
 * line `{"requests","errors","bytes","seconds","p50_ms","p99_ms","max_ms"}` (latency of 200 responses).
 *
 * It speaks HTTP over raw sockets and only finds the status and Content-Length in each response: node's HTTP
 * client costs more per response than the server it measures, and on a small machine it would be the bottleneck.
 */
import { connect, type Socket } from 'node:net';

/** The JSON line this client prints (what the benchmarks parse). */
export interface LoadResult {
  requests: number;
  errors: number;
  bytes: number;
  seconds: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

const [url, concurrencyText, secondsText, ...headers] = process.argv.slice(2);
if (url === undefined) {
  console.error('usage: http-load-client.ts URL CONCURRENCY SECONDS [HEADER…]');
  process.exit(2);
}
const target = new URL(url);
const concurrency = Number(concurrencyText ?? 300);
const seconds = Number(secondsText ?? 20);
const request = Buffer.from(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);
const latencies: number[] = [];
let errors = 0;
let bytes = 0;
const started = performance.now();
const deadline = started + seconds * 1000;

/** One connection's loop; a connection that fails is replaced by a new one until the deadline. */
function connection(): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(target.port), target.hostname);
    let sentAt = 0;
    let head = Buffer.alloc(0);
    let status = 0;
    let remaining = -1;
    const send = () => {
      if (performance.now() >= deadline) {
        socket.end();
        return;
      }
      head = Buffer.alloc(0);
      remaining = -1;
      sentAt = performance.now();
      socket.write(request);
    };
    socket.setTimeout(60_000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      let body = chunk;
      if (remaining < 0) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const text = head.subarray(0, end).toString('latin1');
        status = Number(text.slice(9, 12));
        remaining = Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0);
        body = head.subarray(end + 4);
      }
      bytes += body.length;
      remaining -= body.length;
      if (remaining > 0) return;
      if (status === 200) latencies.push(performance.now() - sentAt);
      else errors++;
      send();
    });
    socket.on('error', () => errors++);
    socket.on('close', () => resolve());
  });
}

await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) await connection();
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pick = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(
  JSON.stringify({ requests: latencies.length, errors, bytes, seconds: elapsed, p50_ms: pick(0.5), p99_ms: pick(0.99), max_ms: latencies.at(-1) ?? 0 }),
);
