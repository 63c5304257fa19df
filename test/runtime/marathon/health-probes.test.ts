import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { systemTime } from '../../../runtime/time/system-time.ts';
import { runProbe } from '../../../runtime/marathon/health-probes.ts';

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

test('HTTP: 2xx and 3xx are healthy, other codes and silence are not', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    res.statusCode = req.url === '/moved' ? 302 : req.url === '/bad' ? 503 : 200;
    res.end();
  });
  const port = await listen(server);
  try {
    const probe = (path: string) => runProbe({ kind: 'http', host: '127.0.0.1', port, path, timeoutMs: 300 }, systemTime);
    assert.deepEqual(await probe('/'), { healthy: true });
    assert.deepEqual(await probe('/moved'), { healthy: true });
    assert.deepEqual(await probe('/bad'), { healthy: false, cause: 'Got status code 503' });
    assert.deepEqual(await probe('/slow'), { healthy: false, cause: 'Timed out after 300 ms' });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('TCP: a listening port is healthy, a closed one is not', async () => {
  const server = createTcpServer((s) => s.end());
  const port = await listen(server);
  const open = await runProbe({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 1000 }, systemTime);
  server.close();
  await new Promise((r) => server.once('close', r));
  assert.deepEqual(open, { healthy: true });
  const closed = await runProbe({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 1000 }, systemTime);
  assert.equal(closed.healthy, false);
  assert.deepEqual(await runProbe({ kind: 'tcp', host: '127.0.0.1', timeoutMs: 10 }, systemTime), { healthy: false, cause: 'No port to check' });
});

test('COMMAND: exit 0 is healthy; the environment and cwd are the given ones; a hanging command is killed', async () => {
  const env = { GREETING: 'hi' };
  const ok = await runProbe({ kind: 'command', host: 'h', command: '[ "$GREETING" = hi ] && [ "$(pwd)" = /tmp ]', env, cwd: '/tmp', timeoutMs: 2000 }, systemTime);
  assert.deepEqual(ok, { healthy: true });
  const failed = await runProbe({ kind: 'command', host: 'h', command: 'exit 4', timeoutMs: 2000 }, systemTime);
  assert.deepEqual(failed, { healthy: false, cause: 'Command exited with status 4' });
  const hung = await runProbe({ kind: 'command', host: 'h', command: 'sleep 30', timeoutMs: 100 }, systemTime);
  assert.deepEqual(hung, { healthy: false, cause: 'Timed out after 100 ms' });
});
