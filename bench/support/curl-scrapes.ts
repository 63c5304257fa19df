/**
 * Sequential GETs of one URL by a single `curl` process (full body read, keep-alive as Prometheus uses it), so the
 * client's work runs outside the process being measured and only one process is spawned: forking a process with
 * a heap of hundreds of MB is itself a pause of the parent's event loop, which would be counted against the scrape.
 */
import { spawn } from 'node:child_process';

export interface TimedResponse {
  status: number;
  bytes: number;
  ms: number;
}

/**
 * Starts curl for `count` GETs of `url`; `onSpawned` runs right after the child exists (start measuring there) and
 * the promise resolves with one timing per request, in order. Rejects when curl is missing, fails or times out.
 */
export function curlScrapes(url: string, count: number, onSpawned: () => void, timeoutMs = 120_000): Promise<TimedResponse[]> {
  const args = ['-s', '--max-time', '30'];
  for (let i = 0; i < count; i++) args.push('-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}\\n', url);
  return new Promise((resolve, reject) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    onSpawned();
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error('bench:metrics needs curl (apt-get install curl)') : e),
    );
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`curl ${url} exited ${code ?? signal}: ${err.trim()}`));
      const lines = out.trim().split('\n');
      if (lines.length !== count) return reject(new Error(`curl ${url}: ${lines.length} timings for ${count} requests`));
      resolve(
        lines.map((line) => {
          const [status, bytes, seconds] = line.split(' ').map(Number);
          return { status: status!, bytes: bytes!, ms: seconds! * 1000 };
        }),
      );
    });
  });
}
