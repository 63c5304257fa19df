import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appTasks, masterTasks, startCluster, until, waitForDeployed, type Cluster } from './marathon-harness.ts';

let c: Cluster;
before(async () => {
  c = await startCluster({ agents: 2 });
});
after(async () => {
  await c.close();
});

test('GET /ping answers pong; /v2/info and /v2/leader name this Marathon', async () => {
  const ping = await c.api('GET', '/ping');
  assert.equal(ping.status, 200);
  assert.equal(ping.body, 'pong');
  assert.match(ping.headers.get('content-type') ?? '', /^text\/plain/);

  const info = await c.api('GET', '/v2/info');
  assert.equal(info.status, 200);
  assert.equal(info.body.name, 'marathon');
  assert.equal(info.body.elected, true);
  assert.equal(info.body.frameworkId, c.marathon.frameworkId);
  assert.equal(info.body.leader, c.marathon.leader);
  assert.equal(info.body.marathon_config.mesos_role, 'slave_public');
  // Marathon 1.11's field set: clients (the marathon Python client) build models from it and reject others.
  assert.equal('default_accepted_resource_roles' in info.body.marathon_config, false);
  assert.equal(info.body.marathon_config.launch_token, 100);
  assert.equal(info.body.marathon_config.launch_token_refresh_interval, 30000);
  assert.deepEqual(Object.keys(info.body.zookeeper_config).sort(), [
    'zk',
    'zk_compression',
    'zk_compression_threshold',
    'zk_connection_timeout',
    'zk_max_node_size',
    'zk_max_versions',
    'zk_session_timeout',
    'zk_timeout',
  ]);

  const leader = await c.api('GET', '/v2/leader');
  assert.deepEqual(leader.body, { leader: c.marathon.leader });
});

test('Marathon subscribes as DC/OS runs it: role slave_public, partition aware, one week failover', () => {
  const fw = c.master.frameworks.get(c.marathon.frameworkId!);
  assert.ok(fw);
  assert.deepEqual(fw.info.roles, ['slave_public']);
  assert.equal(fw.info.name, 'marathon');
  assert.equal(fw.info.failoverTimeoutSecs, 604800);
  assert.deepEqual(fw.info.capabilities, ['PARTITION_AWARE', 'TASK_KILLING_STATE', 'MULTI_ROLE']);
});

test('POST /v2/apps answers 201 with the app, a Location and a deployment, and runs the instances', async () => {
  const res = await c.api('POST', '/v2/apps', {
    id: 'group/web',
    cmd: 'sleep 1000',
    instances: 2,
    cpus: 0.1,
    mem: 32,
    env: { MODE: 'test' },
    labels: { team: 'core' },
    portDefinitions: [{ port: 0, name: 'http', labels: { VIP_0: '/web:80' } }],
  });
  assert.equal(res.status, 201);
  assert.match(res.headers.get('location') ?? '', /\/v2\/apps\/group\/web$/);
  const deploymentId = res.headers.get('marathon-deployment-id');
  assert.ok(deploymentId);
  const app = res.body;
  assert.equal(app.id, '/group/web');
  assert.equal(app.instances, 2);
  assert.equal(app.tasksStaged, 0);
  assert.equal(app.tasksRunning, 0);
  assert.equal(app.tasksHealthy, 0);
  assert.equal(app.tasksUnhealthy, 0);
  assert.deepEqual(app.deployments, [{ id: deploymentId }]);
  assert.deepEqual(app.tasks, []);
  assert.equal(app.versionInfo.lastConfigChangeAt, app.version);
  assert.deepEqual(app.unreachableStrategy, { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 });
  // Port 0 is given a service port from Marathon's local port range.
  assert.equal(app.portDefinitions[0].port, 10000);
  assert.deepEqual(app.portDefinitions[0].labels, { VIP_0: '/web:80' });

  await waitForDeployed(c, '/group/web', 2);
  const after = await c.api('GET', '/v2/deployments');
  assert.equal(after.body.some((d: { id: string }) => d.id === deploymentId), false);
});

test('tasks carry Marathon ids, names, ports, environment, labels and discovery info with VIP labels', async () => {
  const tasks = await appTasks(c, '/group/web');
  assert.equal(tasks.length, 2);
  for (const t of tasks) {
    assert.match(t.id, /^group_web\.[0-9a-f-]{36}$/);
    assert.equal(t.appId, '/group/web');
    assert.equal(t.state, 'TASK_RUNNING');
    assert.equal(t.ports.length, 1);
    assert.ok(t.ports[0] >= 31000 && t.ports[0] <= 31099);
    assert.deepEqual(t.servicePorts, [10000]);
    assert.ok(t.slaveId);
    assert.match(t.host, /^agent\d$/);
    assert.ok(Date.parse(t.stagedAt) > 0 && Date.parse(t.startedAt) > 0);
    assert.equal(t.ipAddresses.length, 1);
    assert.equal(t.ipAddresses[0].protocol, 'IPv4');
    assert.deepEqual(t.healthCheckResults, []);
  }
  const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
  const record = fw.tasks.get(tasks[0].id)!;
  const launch = record.launch;
  assert.equal(launch.name, 'web.group');
  assert.deepEqual(launch.command, { value: 'sleep 1000', shell: true });
  assert.equal(launch.resources.toString(), `cpus:0.1;mem:32;ports:[${tasks[0].ports[0]}-${tasks[0].ports[0]}]`);
  assert.deepEqual(launch.labels, [{ key: 'team', value: 'core' }]);
  assert.deepEqual(launch.discovery, {
    visibility: 'FRAMEWORK',
    name: 'web.group',
    ports: {
      ports: [
        { number: tasks[0].ports[0], name: 'http', protocol: 'tcp', labels: { labels: [{ key: 'VIP_0', value: '/web:80' }] } },
      ],
    },
  });
  const env = launch.env!;
  assert.equal(env.MARATHON_APP_ID, '/group/web');
  assert.equal(env.MARATHON_APP_VERSION, tasks[0].version);
  assert.equal(env.MESOS_TASK_ID, tasks[0].id);
  assert.equal(env.PORT0, String(tasks[0].ports[0]));
  assert.equal(env.PORT, String(tasks[0].ports[0]));
  assert.equal(env.PORTS, String(tasks[0].ports[0]));
  assert.equal(env.PORT_HTTP, String(tasks[0].ports[0]));
  assert.equal(env.PORT_10000, String(tasks[0].ports[0]));
  assert.equal(env.HOST, tasks[0].ipAddresses[0].ipAddress);
  assert.equal(env.MODE, 'test');
  assert.equal(env.MARATHON_APP_LABEL_TEAM, 'core');
  assert.equal(env.MARATHON_APP_RESOURCE_CPUS, '0.1');
});

test('GET /v2/apps lists apps with counts; embed=apps.tasks adds their tasks; GET /v2/tasks lists every task', async () => {
  const plain = await c.api('GET', '/v2/apps');
  const web = plain.body.apps.find((a: { id: string }) => a.id === '/group/web');
  assert.equal(web.tasksRunning, 2);
  assert.equal('tasks' in web, false);
  const embedded = await c.api('GET', '/v2/apps?embed=apps.tasks');
  assert.equal(embedded.body.apps.find((a: { id: string }) => a.id === '/group/web').tasks.length, 2);
  const slash = await c.api('GET', '/v2/apps/');
  assert.deepEqual(slash.body.apps.map((a: { id: string }) => a.id), plain.body.apps.map((a: { id: string }) => a.id));
  const filtered = await c.api('GET', '/v2/apps?id=nothing-like-this');
  assert.deepEqual(filtered.body.apps, []);
  const all = await c.api('GET', '/v2/tasks');
  assert.equal(all.body.tasks.filter((t: { appId: string }) => t.appId === '/group/web').length, 2);
  const running = await c.api('GET', '/v2/tasks?status=running');
  assert.equal(running.body.tasks.length, all.body.tasks.length);
  const staging = await c.api('GET', '/v2/tasks?status=staging');
  assert.equal(staging.body.tasks.length, 0);
});

test('invalid app JSON is a 422 with Marathon details; unknown apps 404; duplicates 409', async () => {
  const invalid = await c.api('POST', '/v2/apps', { id: '/bad', cmd: 'x', instances: -1, cpus: 'many' });
  assert.equal(invalid.status, 422);
  assert.deepEqual(invalid.body, {
    message: 'Object is not valid',
    details: [
      { path: '/instances', errors: ['error.min'] },
      { path: '/cpus', errors: ['error.expected.jsnumber'] },
    ],
  });
  const unreachable = await c.api('POST', '/v2/apps', { id: '/bad', cmd: 'x', unreachableStrategy: { inactiveAfterSeconds: 10, expungeAfterSeconds: 5 } });
  assert.equal(unreachable.status, 422);
  assert.equal(unreachable.body.details[0].path, '/unreachableStrategy/expungeAfterSeconds');
  const role = await c.api('POST', '/v2/apps', { id: '/bad', cmd: 'x', acceptedResourceRoles: ['analytics'] });
  assert.equal(role.status, 422);
  assert.equal(role.body.details[0].path, '/acceptedResourceRoles');

  const gpus = await c.api('POST', '/v2/apps', { id: '/bad', cmd: 'x', gpus: 1 });
  assert.equal(gpus.status, 422);
  assert.equal(gpus.body.details[0].path, '/gpus');

  const missing = await c.api('GET', '/v2/apps/x');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { message: "App '/x' does not exist" });
  assert.equal((await c.api('GET', '/v2/apps/nope/tasks')).status, 404);
  assert.equal((await c.api('DELETE', '/v2/apps/nope')).status, 404);
  const noTask = await c.api('DELETE', '/v2/apps/group/web/tasks/group_web.nope');
  assert.equal(noTask.status, 404);
  assert.deepEqual(noTask.body, { message: "Task 'group_web.nope' does not exist" });

  const badId = await c.api('PUT', '/v2/apps/Bad_Id', { cmd: 'x' });
  assert.equal(badId.status, 422);
  assert.equal(badId.body.details[0].path, '/id');
  assert.match(badId.body.details[0].errors[0], /must fully match regular expression/);

  const duplicate = await c.api('POST', '/v2/apps', { id: '/group/web', cmd: 'sleep 1' });
  assert.equal(duplicate.status, 409);
  assert.deepEqual(duplicate.body, { message: 'An app with id [/group/web] already exists.' });
});

test('malformed JSON is a 400 with a JSON message; oversized bodies 413; non-objects 422', async () => {
  const malformed = await c.api('POST', '/v2/apps', '{"id": "/x", ');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.message, 'Invalid JSON');
  const empty = await c.api('POST', '/v2/apps', '', { 'content-type': 'application/json' });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.message, 'Invalid JSON');
  const plain = await c.api('POST', '/v2/apps', 'not json', { 'content-type': 'text/plain' });
  assert.equal(plain.status, 400);
  assert.equal(plain.body.message, 'Invalid JSON');
  const huge = await c.api('POST', '/v2/apps', { id: '/big', cmd: 'x'.repeat(2 * 1024 * 1024) });
  assert.equal(huge.status, 413);
  assert.equal(typeof huge.body.message, 'string');
  const array = await c.api('POST', '/v2/apps', [1, 2]);
  assert.equal(array.status, 422);
  assert.deepEqual(array.body.details, [{ path: '/', errors: ['error.expected.jsobject'] }]);
  const put = await c.api('PUT', '/v2/apps/group/web', '{oops');
  assert.equal(put.status, 400);
});

test('an app changed during its deployment is locked (409) unless forced', async () => {
  const created = await c.api('POST', '/v2/apps', { id: '/locked', cmd: 'sleep 1000', instances: 50, cpus: 1, mem: 32 });
  assert.equal(created.status, 201);
  // 50 × 1 cpu cannot fit on two 4-cpu agents: the deployment stays under way.
  const deploymentId = created.headers.get('marathon-deployment-id');
  const deployments = await c.api('GET', '/v2/deployments');
  assert.deepEqual(deployments.body, [
    {
      id: deploymentId,
      version: created.body.version,
      affectedApps: ['/locked'],
      affectedPods: [],
      steps: [
        { actions: [{ action: 'StartApplication', app: '/locked' }] },
        { actions: [{ action: 'ScaleApplication', app: '/locked' }] },
      ],
      currentActions: [{ action: 'ScaleApplication', app: '/locked', readinessCheckResults: [] }],
      currentStep: 2,
      totalSteps: 2,
    },
  ]);
  const put = await c.api('PUT', '/v2/apps/locked', { instances: 1 });
  assert.equal(put.status, 409);
  assert.match(put.body.message, /^App is locked by one or more deployments\. Override with the option '\?force=true'/);
  assert.deepEqual(put.body.deployments, [{ id: deploymentId }]);
  const forced = await c.api('PUT', '/v2/apps/locked?force=true', { instances: 1 });
  assert.equal(forced.status, 200);
  assert.deepEqual(Object.keys(forced.body).sort(), ['deploymentId', 'version']);
  await waitForDeployed(c, '/locked', 1);
  const deleted = await c.api('DELETE', '/v2/apps/locked');
  assert.equal(deleted.status, 200);
});

test('GET /v2/queue shows what waits for offers and why offers did not fit', async () => {
  const res = await c.api('POST', '/v2/apps', { id: '/too-big', cmd: 'sleep 1000', cpus: 100, mem: 32 });
  assert.equal(res.status, 201);
  await until('an offer was turned down for /too-big', async () => {
    const q = await c.api('GET', '/v2/queue');
    const entry = q.body.queue.find((e: { app: { id: string } }) => e.app.id === '/too-big');
    return entry !== undefined && entry.processedOffersSummary.processedOffersCount > 0;
  });
  const q = await c.api('GET', '/v2/queue');
  const entry = q.body.queue.find((e: { app: { id: string } }) => e.app.id === '/too-big');
  assert.equal(entry.count, 1);
  assert.deepEqual(entry.delay, { timeLeftSeconds: 0, overdue: true });
  const cpus = entry.processedOffersSummary.rejectSummaryLastOffers.find((r: { reason: string }) => r.reason === 'InsufficientCpus');
  assert.ok(cpus.declined > 0);
  assert.equal((await c.api('DELETE', '/v2/apps/too-big?force=true')).status, 200);
  const after = await c.api('GET', '/v2/queue');
  assert.equal(after.body.queue.some((e: { app: { id: string } }) => e.app.id === '/too-big'), false);
});

test('DELETE /v2/apps/{id} returns the deployment, removes the app and kills its tasks', async () => {
  const before = await appTasks(c, '/group/web');
  assert.equal(before.length, 2);
  const res = await c.api('DELETE', '/v2/apps/group/web');
  assert.equal(res.status, 200);
  assert.ok(res.body.deploymentId);
  assert.ok(res.body.version);
  assert.equal((await c.api('GET', '/v2/apps/group/web')).status, 404);
  await until('tasks killed on Mesos', () => masterTasks(c).every((t) => !before.some((b) => b.id === t.id)));
  const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
  for (const b of before) assert.equal(fw.completedTasks.find((t) => t.id === b.id)?.state, 'TASK_KILLED');
  await until('the deployment finished', async () => (await c.api('GET', '/v2/deployments')).body.length === 0);
});

test('POST /v2/apps with a Docker container is a 422 naming /container/docker; an app read with GET can be PUT back', async () => {
  const docker = await c.api('POST', '/v2/apps', {
    id: '/docker-web',
    cmd: 'nginx',
    container: { type: 'DOCKER', docker: { image: 'nginx:1.25' } },
  });
  assert.equal(docker.status, 422);
  assert.deepEqual(docker.body.details, [{ path: '/container/docker', errors: ['not supported, tasks run as processes'] }]);
  assert.equal((await c.api('GET', '/v2/apps/docker-web')).status, 404);

  const created = await c.api('POST', '/v2/apps', { id: '/roundtrip', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 0, container: { type: 'MESOS' } });
  assert.equal(created.status, 201);
  const app = (await c.api('GET', '/v2/apps/roundtrip')).body.app;
  assert.deepEqual(app.container, { type: 'MESOS', volumes: [] });
  const put = await c.api('PUT', '/v2/apps/roundtrip?force=true', { ...app, cmd: 'sleep 200' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await c.api('DELETE', '/v2/apps/roundtrip?force=true');
});
