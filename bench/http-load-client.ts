/**
 * A closed-loop HTTP load client for the benchmarks, run in its own process so its parsing does not compete with
 * the server's event loop: `node --import tsx bench/http-load-client.ts URL CONCURRENCY SECONDS`. Each of
 * CONCURRENCY keep-alive connections sends a GET, reads the whole body and sends the next, for SECONDS; prints one
 * JSON line `{"requests","errors","bytes","seconds","p50_ms","p99_ms","max_ms"}`.
 */
import { Agent, request } from 'node:http';

const [url, concurrencyText, secondsText] = process.argv.slice(2);
if (url === undefined) {
  console.error('usage: http-load-client.ts URL CONCURRENCY SECONDS');
  process.exit(2);
}
const concurrency = Number(concurrencyText ?? 300);
const seconds = Number(secondsText ?? 20);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const latencies: number[] = [];
let errors = 0;
let bytes = 0;

function get(): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = request(url!, { agent, timeout: 60_000 }, (res) => {
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        if (res.statusCode === 200) latencies.push(performance.now() - start);
        else errors++;
        resolve();
      });
      res.on('error', () => {
        errors++;
        resolve();
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) await get();
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pick = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    requests: latencies.length,
    errors,
    bytes,
    seconds: elapsed,
    p50_ms: pick(0.5),
    p99_ms: pick(0.99),
    max_ms: latencies.at(-1) ?? 0,
  }),
);
agent.destroy();
