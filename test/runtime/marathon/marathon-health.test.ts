import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../../../runtime/master/task-record.ts';
import { appTasks, startCluster, until, waitForDeployed, type Cluster } from './marathon-harness.ts';

/** A real HTTP server on $HOST:$PORT0 answering 500 on /bad and 200 elsewhere. */
const SERVER =
  `'${process.execPath}' -e 'require("http").createServer((q, s) => { s.statusCode = q.url === "/bad" ? 500 : 200; ` +
  `s.end("ok"); }).listen(Number(process.env.PORT0), process.env.HOST)'`;

// One Marathon second is 1/5 of a real one: intervals of 2 s probe every 400 ms with 200 ms to answer.
const FAST = { intervalSeconds: 2, timeoutSeconds: 1 };

let c: Cluster;
before(async () => {
  c = await startCluster({ agents: 2, executor: 'process', timeScale: 5 });
});
after(async () => {
  await c.close();
});

function frameworkTasks(): TaskRecord[] {
  const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
  return [...fw.completedTasks, ...fw.tasks.values()];
}

async function app(id: string) {
  return (await c.api('GET', `/v2/apps${id}`)).body.app;
}

/** Waits until some task of the app was killed by Marathon and a different one is running healthy or not. */
async function waitForReplacement(id: string): Promise<void> {
  const prefix = id.slice(1) + '.';
  await until(`${id}: a task killed and another launched`, () => {
    const mine = frameworkTasks().filter((t) => t.id.startsWith(prefix));
    return mine.some((t) => t.state === 'TASK_KILLED') && mine.length >= 2;
  }, 20_000);
}

test('an HTTP check against a real server: the task becomes healthy and the deployment completes', async () => {
  const res = await c.api('POST', '/v2/apps', {
    id: '/web',
    cmd: SERVER,
    cpus: 0.1,
    mem: 32,
    healthChecks: [{ protocol: 'HTTP', path: '/health', gracePeriodSeconds: 30, maxConsecutiveFailures: 3, ...FAST }],
  });
  assert.equal(res.status, 201);
  await until('healthy', async () => (await app('/web')).tasksHealthy === 1);
  await waitForDeployed(c, '/web', 1);
  const [task] = await appTasks(c, '/web');
  assert.equal(task.healthCheckResults.length, 1);
  const result = task.healthCheckResults[0];
  assert.equal(result.alive, true);
  assert.equal(result.consecutiveFailures, 0);
  assert.equal(result.instanceId, task.id);
  assert.ok(Date.parse(result.firstSuccess) > 0 && Date.parse(result.lastSuccess) > 0);
  assert.equal(result.lastFailureCause, null);
  const body = await (await fetch(`http://${task.ipAddresses[0].ipAddress}:${task.ports[0]}/`)).text();
  assert.equal(body, 'ok');
});

test('a failing HTTP check gets the task killed after maxConsecutiveFailures, and it is replaced', async () => {
  await c.api('POST', '/v2/apps', {
    id: '/sick',
    cmd: SERVER,
    cpus: 0.1,
    mem: 32,
    backoffSeconds: 1,
    // The grace period covers the server's start, so the failures that count are its 500s.
    healthChecks: [{ protocol: 'HTTP', path: '/bad', gracePeriodSeconds: 3, maxConsecutiveFailures: 3, ...FAST }],
  });
  let task: { id: string; healthCheckResults: { alive: boolean; lastFailureCause: string }[] } | undefined;
  await until('reported unhealthy', async () => {
    [task] = await appTasks(c, '/sick');
    return (await app('/sick')).tasksUnhealthy === 1 && task?.healthCheckResults[0]?.lastFailureCause === 'Got status code 500';
  }, 20_000);
  assert.equal(task!.healthCheckResults[0]!.alive, false);
  await waitForReplacement('/sick');
  assert.equal(frameworkTasks().find((t) => t.id === task!.id)?.state, 'TASK_KILLED');
  await c.api('DELETE', '/v2/apps/sick?force=true');
});

test('failures within the grace period do not count', async () => {
  await c.api('POST', '/v2/apps', {
    id: '/graceful',
    cmd: SERVER,
    cpus: 0.1,
    mem: 32,
    healthChecks: [{ protocol: 'HTTP', path: '/bad', gracePeriodSeconds: 3600, maxConsecutiveFailures: 1, ...FAST }],
  });
  await until('running', async () => (await app('/graceful')).tasksRunning === 1);
  const [task] = await appTasks(c, '/graceful');
  // Several probe intervals pass; every probe fails, none counts.
  await new Promise((r) => setTimeout(r, 1500));
  const [same] = await appTasks(c, '/graceful');
  assert.equal(same.id, task.id);
  assert.deepEqual(same.healthCheckResults, []);
  assert.equal((await app('/graceful')).deployments.length, 1, 'not healthy, so not deployed');
  await c.api('DELETE', '/v2/apps/graceful?force=true');
});

test('TCP checks: a listening port is healthy, a closed one gets the task replaced', async () => {
  await c.api('POST', '/v2/apps', {
    id: '/tcp',
    cmd: SERVER,
    cpus: 0.1,
    mem: 32,
    portDefinitions: [{ port: 0 }, { port: 0 }],
    healthChecks: [{ protocol: 'TCP', portIndex: 0, gracePeriodSeconds: 30, maxConsecutiveFailures: 3, ...FAST }],
  });
  await until('tcp healthy', async () => (await app('/tcp')).tasksHealthy === 1);

  await c.api('POST', '/v2/apps', {
    id: '/tcp-closed',
    cmd: SERVER,
    cpus: 0.1,
    mem: 32,
    portDefinitions: [{ port: 0 }, { port: 0 }],
    healthChecks: [{ protocol: 'TCP', portIndex: 1, gracePeriodSeconds: 0, maxConsecutiveFailures: 2, ...FAST }],
  });
  await waitForReplacement('/tcp-closed');
  await c.api('DELETE', '/v2/apps/tcp-closed?force=true');
});

test('COMMAND checks run with the task environment; failing or hanging commands get the task replaced', async () => {
  await c.api('POST', '/v2/apps', {
    id: '/cmd-ok',
    cmd: 'sleep 1000',
    cpus: 0.1,
    mem: 16,
    env: { EXPECTED: 'yes' },
    healthChecks: [
      {
        protocol: 'COMMAND',
        command: { value: '[ "$EXPECTED" = yes ] && [ "$MARATHON_APP_ID" = /cmd-ok ] && [ -n "$MESOS_TASK_ID" ] && [ "$PORT0" -gt 0 ] && [ -n "$HOST" ]' },
        gracePeriodSeconds: 30,
        maxConsecutiveFailures: 3,
        ...FAST,
      },
    ],
  });
  await until('command check healthy', async () => (await app('/cmd-ok')).tasksHealthy === 1);

  await c.api('POST', '/v2/apps', {
    id: '/cmd-fail',
    cmd: 'sleep 1000',
    cpus: 0.1,
    mem: 16,
    healthChecks: [{ protocol: 'COMMAND', command: { value: 'exit 3' }, gracePeriodSeconds: 0, maxConsecutiveFailures: 1, ...FAST }],
  });
  await waitForReplacement('/cmd-fail');
  await c.api('DELETE', '/v2/apps/cmd-fail?force=true');

  await c.api('POST', '/v2/apps', {
    id: '/cmd-hang',
    cmd: 'sleep 1000',
    cpus: 0.1,
    mem: 16,
    healthChecks: [{ protocol: 'COMMAND', command: { value: 'sleep 100' }, gracePeriodSeconds: 0, maxConsecutiveFailures: 2, ...FAST }],
  });
  await until('hanging check reported', async () => {
    const [t] = await appTasks(c, '/cmd-hang');
    return t?.healthCheckResults[0]?.lastFailureCause?.startsWith('Timed out') === true;
  }, 20_000);
  await waitForReplacement('/cmd-hang');
  await c.api('DELETE', '/v2/apps/cmd-hang?force=true');
});
