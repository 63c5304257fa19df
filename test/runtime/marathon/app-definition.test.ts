import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AppDefinitionErrors,
  parseAppDefinition,
  type AppDefinition,
} from '../../../runtime/marathon/app-definition.ts';
import { AppIdErrors } from '../../../runtime/marathon/app-id.ts';
import { HealthCheckErrors } from '../../../runtime/marathon/health-checks.ts';
import { PortErrors } from '../../../runtime/marathon/port-definitions.ts';
import type { MarathonValidationError } from '../../../runtime/marathon/validation-errors.ts';
import { UnsupportedErrors } from '../../../runtime/marathon/unsupported-fields.ts';

function parseOk(json: unknown): AppDefinition {
  const result = parseAppDefinition(json);
  if (!result.ok) assert.fail(`expected a valid app, got ${JSON.stringify(result.error)}`);
  return result.app;
}

function parseErr(json: unknown): MarathonValidationError {
  const result = parseAppDefinition(json);
  if (result.ok) assert.fail(`expected errors, got ${JSON.stringify(result.app)}`);
  return result.error;
}

/** path -> errors, for compact assertions. */
function errorsByPath(error: MarathonValidationError): Record<string, readonly string[]> {
  return Object.fromEntries(error.details.map((d) => [d.path, d.errors]));
}

test('a minimal app gets Marathon defaults in GET /v2/apps/{id} shape', () => {
  const app = parseOk({ id: '/web', cmd: 'python3 -m http.server $PORT0' });
  assert.deepEqual(JSON.parse(JSON.stringify(app)), {
    id: '/web',
    cmd: 'python3 -m http.server $PORT0',
    env: {},
    instances: 1,
    cpus: 1,
    mem: 128,
    disk: 0,
    gpus: 0,
    constraints: [],
    portDefinitions: [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }],
    requirePorts: false,
    healthChecks: [],
    labels: {},
    backoffSeconds: 1,
    backoffFactor: 1.15,
    maxLaunchDelaySeconds: 300,
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    killSelection: 'YOUNGEST_FIRST',
  });
});

test('the parsed app is deeply frozen and unknown fields and version are dropped', () => {
  const app = parseOk({ id: 'web', cmd: 'x', version: '2020-01-01T00:00:00.000Z', executor: '//cmd', whatever: 1 });
  assert.ok(Object.isFrozen(app));
  assert.ok(Object.isFrozen(app.portDefinitions[0]));
  assert.ok(Object.isFrozen(app.upgradeStrategy));
  assert.equal('version' in app, false);
  assert.equal('whatever' in app, false);
  assert.throws(() => {
    (app as { instances: number }).instances = 5;
  });
});

test('given fields override defaults; JSON null means "not given"', () => {
  const app = parseOk({
    id: '/group/api',
    args: ['/usr/bin/api', '--port', '$PORT0'],
    user: 'nobody',
    instances: 3,
    cpus: 0.25,
    mem: 64.5,
    disk: 10,
    gpus: 0,
    env: { MODE: 'prod' },
    labels: { team: 'core' },
    requirePorts: true,
    backoffSeconds: 5,
    backoffFactor: 2,
    maxLaunchDelaySeconds: 3600,
    upgradeStrategy: { minimumHealthCapacity: 0.5 },
    killSelection: 'oldest_first',
    taskKillGracePeriodSeconds: 30,
    acceptedResourceRoles: ['slave_public'],
    healthChecks: null,
  });
  assert.deepEqual(app.args, ['/usr/bin/api', '--port', '$PORT0']);
  assert.equal(app.cmd, undefined);
  assert.equal(app.user, 'nobody');
  assert.equal(app.instances, 3);
  assert.equal(app.cpus, 0.25);
  assert.equal(app.mem, 64.5);
  assert.equal(app.disk, 10);
  assert.deepEqual(app.env, { MODE: 'prod' });
  assert.deepEqual(app.labels, { team: 'core' });
  assert.equal(app.requirePorts, true);
  assert.equal(app.backoffSeconds, 5);
  assert.equal(app.backoffFactor, 2);
  assert.equal(app.maxLaunchDelaySeconds, 3600);
  assert.deepEqual(app.upgradeStrategy, { minimumHealthCapacity: 0.5, maximumOverCapacity: 1 });
  assert.equal(app.killSelection, 'OLDEST_FIRST');
  assert.equal(app.taskKillGracePeriodSeconds, 30);
  assert.deepEqual(app.acceptedResourceRoles, ['slave_public']);
  assert.deepEqual(app.healthChecks, []);
});

test('instances 0 is allowed (a suspended app)', () => {
  assert.equal(parseOk({ id: '/web', cmd: 'x', instances: 0 }).instances, 0);
});

test('every invalid field is reported at its own path, all at once', () => {
  const error = parseErr({
    id: '/web',
    cmd: 'x',
    instances: -1,
    cpus: 'one',
    mem: -5,
    disk: true,
    gpus: 1.5,
    env: { A: 1 },
    labels: [],
    requirePorts: 'yes',
    backoffSeconds: -1,
    backoffFactor: 0.5,
    maxLaunchDelaySeconds: 1.5,
    upgradeStrategy: { minimumHealthCapacity: 2, maximumOverCapacity: -0.1 },
    killSelection: 'RANDOM',
    taskKillGracePeriodSeconds: -3,
    user: 7,
    acceptedResourceRoles: 'slave_public',
  });
  assert.equal(error.message, 'Object is not valid');
  assert.deepEqual(errorsByPath(error), {
    '/instances': ['error.min'],
    '/cpus': ['error.expected.jsnumber'],
    '/mem': ['error.min'],
    '/disk': ['error.expected.jsnumber'],
    '/gpus': ['error.expected.int'],
    '/env/A': ['error.expected.jsstring'],
    '/labels': ['error.expected.jsobject'],
    '/requirePorts': ['error.expected.jsboolean'],
    '/backoffSeconds': ['error.min'],
    '/backoffFactor': ['error.min'],
    '/maxLaunchDelaySeconds': ['error.expected.int'],
    '/upgradeStrategy/minimumHealthCapacity': ['error.max'],
    '/upgradeStrategy/maximumOverCapacity': ['error.min'],
    '/killSelection': ['error.unknown.enum.literal'],
    '/taskKillGracePeriodSeconds': ['error.min'],
    '/user': ['error.expected.jsstring'],
    '/acceptedResourceRoles': ['error.expected.jsarray'],
  });
});

test('the error body has exactly Marathon\'s 422 shape', () => {
  const error = parseErr({ id: '/web', cmd: 'x', instances: -1 });
  assert.deepEqual(JSON.parse(JSON.stringify(error)), {
    message: 'Object is not valid',
    details: [{ path: '/instances', errors: ['error.min'] }],
  });
});

test('cpus must be positive; a body that is not an object is rejected at the root', () => {
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', cpus: 0 })), { '/cpus': ['error.min'] });
  assert.deepEqual(errorsByPath(parseErr([1, 2])), { '/': ['error.expected.jsobject'] });
  assert.deepEqual(errorsByPath(parseErr(null)), { '/': ['error.expected.jsobject'] });
});

test('cmd and args: exactly one is required', () => {
  const both = parseErr({ id: '/web', cmd: 'sleep 1', args: ['sleep', '1'] });
  assert.deepEqual(errorsByPath(both), { '/': [AppDefinitionErrors.cmdOrArgs] });
  const neither = parseErr({ id: '/web' });
  assert.deepEqual(errorsByPath(neither), { '/': [AppDefinitionErrors.cmdOrArgs] });
  // Empty args count as absent, as in Marathon.
  assert.equal(parseOk({ id: '/web', cmd: 'x', args: [] }).args, undefined);
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', args: [] })), { '/': [AppDefinitionErrors.cmdOrArgs] });
});

test('malformed cmd or args are reported once, at their own path', () => {
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: '' })), { '/cmd': ['error.minLength'] });
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', args: ['ok', 3] })), {
    '/args(1)': ['error.expected.jsstring'],
  });
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', args: 'sleep 1' })), { '/args': ['error.expected.jsarray'] });
});

test('ids are normalised to absolute paths', () => {
  assert.equal(parseOk({ id: 'web', cmd: 'x' }).id, '/web');
  assert.equal(parseOk({ id: '/group/web', cmd: 'x' }).id, '/group/web');
  assert.equal(parseOk({ id: 'group/web/', cmd: 'x' }).id, '/group/web');
  assert.equal(parseOk({ id: '//a//b', cmd: 'x' }).id, '/a/b');
  assert.equal(parseOk({ id: '/a/./b/../c', cmd: 'x' }).id, '/a/c');
  assert.equal(parseOk({ id: '/my-app.v2/web-1', cmd: 'x' }).id, '/my-app.v2/web-1');
});

test('invalid ids are reported at /id', () => {
  for (const id of ['/Web', '/-web', '/web-', '/we_b', '/a b', '/web.', '/.web', '/a..b', '/a-.b']) {
    assert.deepEqual(errorsByPath(parseErr({ id, cmd: 'x' })), { '/id': [AppIdErrors.invalidSegment] }, id);
  }
  assert.deepEqual(errorsByPath(parseErr({ id: '/', cmd: 'x' })), { '/id': [AppIdErrors.empty] });
  assert.deepEqual(errorsByPath(parseErr({ id: '/web/tasks', cmd: 'x' })), { '/id': [AppIdErrors.reservedKeyword] });
  assert.deepEqual(errorsByPath(parseErr({ cmd: 'x' })), { '/id': ['error.path.missing'] });
  assert.deepEqual(errorsByPath(parseErr({ id: 5, cmd: 'x' })), { '/id': ['error.expected.jsstring'] });
  assert.deepEqual(errorsByPath(parseErr({ id: '', cmd: 'x' })), { '/id': ['error.minLength'] });
});

test('port definitions: VIP labels, names and protocols are preserved', () => {
  const app = parseOk({
    id: '/web',
    cmd: 'x',
    portDefinitions: [
      { port: 0, protocol: 'tcp', name: 'http', labels: { VIP_0: '/web:80' } },
      { port: 9000, protocol: 'UDP' },
      { name: 'both', protocol: 'udp,tcp' },
    ],
  });
  assert.deepEqual(app.portDefinitions, [
    { port: 0, protocol: 'tcp', name: 'http', labels: { VIP_0: '/web:80' } },
    { port: 9000, protocol: 'udp', labels: {} },
    { port: 0, protocol: 'udp,tcp', name: 'both', labels: {} },
  ]);
  assert.deepEqual(parseOk({ id: '/web', cmd: 'x', portDefinitions: [] }).portDefinitions, []);
});

test('legacy ports are converted to port definitions', () => {
  const app = parseOk({ id: '/web', cmd: 'x', ports: [0, 8080] });
  assert.deepEqual(app.portDefinitions, [
    { port: 0, protocol: 'tcp', labels: {} },
    { port: 8080, protocol: 'tcp', labels: {} },
  ]);
  assert.equal('ports' in app, false);
  // Both may be given when they say the same thing.
  const same = parseOk({ id: '/web', cmd: 'x', ports: [8080], portDefinitions: [{ port: 8080, name: 'http' }] });
  assert.deepEqual(same.portDefinitions, [{ port: 8080, protocol: 'tcp', name: 'http', labels: {} }]);
});

test('port problems', () => {
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', ports: [80, 80] })), {
    '/': [PortErrors.portsNotUnique],
  });
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', ports: [80], portDefinitions: [{ port: 81 }] })), {
    '/': [PortErrors.portsAndDefinitions],
  });
  assert.deepEqual(
    errorsByPath(
      parseErr({
        id: '/web',
        cmd: 'x',
        portDefinitions: [
          { port: 70000, protocol: 'sctp', name: 'Bad_Name', labels: { VIP_0: 80 } },
          { port: 80, name: 'a' },
          { port: 80, name: 'a' },
        ],
      }),
    ),
    {
      '/portDefinitions(0)/port': ['error.max'],
      '/portDefinitions(0)/protocol': ['error.unknown.enum.literal'],
      '/portDefinitions(0)/name': ['error.pattern'],
      '/portDefinitions(0)/labels/VIP_0': ['error.expected.jsstring'],
    },
  );
  const twice = { port: 80, name: 'a' };
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', portDefinitions: [twice, twice] })), {
    '/portDefinitions': [PortErrors.definitionPortsNotUnique, PortErrors.namesNotUnique],
  });
  // Several dynamic ports are fine.
  assert.equal(parseOk({ id: '/web', cmd: 'x', ports: [0, 0, 0] }).portDefinitions.length, 3);
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', ports: [-1] })), { '/ports(0)': ['error.min'] });
});

test('health check defaults follow the protocol', () => {
  const app = parseOk({
    id: '/web',
    cmd: 'x',
    portDefinitions: [{ port: 0 }, { port: 0 }],
    healthChecks: [
      {},
      { protocol: 'TCP', portIndex: 1 },
      { protocol: 'COMMAND', command: { value: 'curl -f http://$HOST:$PORT0/' } },
      { protocol: 'HTTPS', path: '/health', port: 8443, intervalSeconds: 10, timeoutSeconds: 5 },
    ],
  });
  const timing = {
    gracePeriodSeconds: 300,
    intervalSeconds: 60,
    timeoutSeconds: 20,
    maxConsecutiveFailures: 3,
    delaySeconds: 15,
  };
  assert.deepEqual(app.healthChecks, [
    { protocol: 'HTTP', path: '/', portIndex: 0, ...timing, ignoreHttp1xx: false },
    { protocol: 'TCP', portIndex: 1, ...timing },
    { protocol: 'COMMAND', command: { value: 'curl -f http://$HOST:$PORT0/' }, ...timing },
    {
      protocol: 'HTTPS',
      path: '/health',
      port: 8443,
      ...timing,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      ignoreHttp1xx: false,
    },
  ]);
});

test('MESOS_HTTP / MESOS_TCP are accepted and printed back as given; protocol case is forgiven', () => {
  const app = parseOk({
    id: '/web',
    cmd: 'x',
    healthChecks: [{ protocol: 'mesos_http', path: '/ping' }, { protocol: 'http' }],
  });
  assert.equal(app.healthChecks[0]?.protocol, 'MESOS_HTTP');
  assert.equal(app.healthChecks[0]?.path, '/ping');
  assert.equal(app.healthChecks[0]?.ignoreHttp1xx, undefined);
  assert.equal(app.healthChecks[1]?.protocol, 'HTTP');
  const mesosTcp = parseOk({ id: '/web', cmd: 'x', healthChecks: [{ protocol: 'MESOS_TCP' }] });
  assert.equal(mesosTcp.healthChecks[0]?.portIndex, 0);
});

test('a health check timeout may be as long as its interval or longer, as public DC/OS apps have it', () => {
  const app = parseOk({
    id: '/web',
    cmd: 'x',
    portDefinitions: [{ port: 0 }],
    healthChecks: [
      { protocol: 'HTTP', intervalSeconds: 10, timeoutSeconds: 20 },
      { protocol: 'COMMAND', command: { value: 'true' }, intervalSeconds: 5, timeoutSeconds: 5 },
    ],
  });
  assert.deepEqual(
    app.healthChecks.map((c) => [c.intervalSeconds, c.timeoutSeconds]),
    [
      [10, 20],
      [5, 5],
    ],
  );
});

test('health check validation', () => {
  const error = parseErr({
    id: '/web',
    cmd: 'x',
    healthChecks: [
      { protocol: 'HTTP', intervalSeconds: 10, timeoutSeconds: 20 },
      { protocol: 'COMMAND' },
      { protocol: 'TCP', command: { value: 'true' } },
      { protocol: 'GOPHER', gracePeriodSeconds: -1, maxConsecutiveFailures: 'three', ignoreHttp1xx: 1 },
      { protocol: 'HTTP', port: 80, portIndex: 0 },
      { protocol: 'COMMAND', command: {} },
      'not an object',
    ],
  });
  assert.deepEqual(errorsByPath(error), {
    '/healthChecks(1)/command': [HealthCheckErrors.commandRequired],
    '/healthChecks(2)/command': [HealthCheckErrors.commandNotAllowed],
    '/healthChecks(3)/protocol': ['error.unknown.enum.literal'],
    '/healthChecks(3)/gracePeriodSeconds': ['error.min'],
    '/healthChecks(3)/maxConsecutiveFailures': ['error.expected.jsnumber'],
    '/healthChecks(3)/ignoreHttp1xx': ['error.expected.jsboolean'],
    '/healthChecks(4)': [HealthCheckErrors.portOrPortIndex],
    '/healthChecks(5)/command/value': ['error.path.missing'],
    '/healthChecks(6)': ['error.expected.jsobject'],
  });
});

test('a health check port index must address a port definition', () => {
  const error = parseErr({ id: '/web', cmd: 'x', portDefinitions: [], healthChecks: [{ protocol: 'HTTP' }] });
  assert.deepEqual(errorsByPath(error), { '/healthChecks(0)': [AppDefinitionErrors.healthCheckPortIndex] });
  const beyond = parseErr({ id: '/web', cmd: 'x', ports: [0], healthChecks: [{ protocol: 'TCP', portIndex: 1 }] });
  assert.deepEqual(errorsByPath(beyond), { '/healthChecks(0)': [AppDefinitionErrors.healthCheckPortIndex] });
  // COMMAND checks and explicit ports need no port definition.
  const commandCheck = { protocol: 'COMMAND', command: { value: 'true' } };
  parseOk({ id: '/web', cmd: 'x', portDefinitions: [], healthChecks: [commandCheck] });
  parseOk({ id: '/web', cmd: 'x', portDefinitions: [], healthChecks: [{ protocol: 'HTTP', port: 8080 }] });
});

test('at most one Mesos-run health check', () => {
  const checks = [{ protocol: 'MESOS_HTTP' }, { protocol: 'MESOS_TCP' }];
  const error = parseErr({ id: '/web', cmd: 'x', healthChecks: checks });
  assert.deepEqual(errorsByPath(error), { '/': [AppDefinitionErrors.oneMesosHealthCheck] });
});

test('constraints are kept in array form and reported per element', () => {
  const app = parseOk({
    id: '/web',
    cmd: 'x',
    constraints: [
      ['hostname', 'UNIQUE'],
      ['public_ip', 'CLUSTER', 'true'],
      ['rack', 'GROUP_BY', '3'],
      ['rack', 'LIKE', 'rack-[1-3]'],
      ['zone', 'MAX_PER', '2'],
      ['os', 'IS', 'linux'],
    ],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(app.constraints)), [
    ['hostname', 'UNIQUE'],
    ['public_ip', 'CLUSTER', 'true'],
    ['rack', 'GROUP_BY', '3'],
    ['rack', 'LIKE', 'rack-[1-3]'],
    ['zone', 'MAX_PER', '2'],
    ['os', 'IS', 'linux'],
  ]);
  const error = parseErr({ id: '/web', cmd: 'x', constraints: [['hostname', 'UNIQUE'], ['hostname', 'NEAR']] });
  assert.deepEqual(error.details.map((d) => d.path), ['/constraints(1)']);
});

test('accepted resource roles', () => {
  assert.deepEqual(parseOk({ id: '/web', cmd: 'x', acceptedResourceRoles: ['*'] }).acceptedResourceRoles, ['*']);
  assert.deepEqual(parseOk({ id: '/web', cmd: 'x', acceptedResourceRoles: ['*', '*'] }).acceptedResourceRoles, ['*']);
  assert.equal(parseOk({ id: '/web', cmd: 'x' }).acceptedResourceRoles, undefined);
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', acceptedResourceRoles: [] })), {
    '/acceptedResourceRoles': ['must not be empty'],
  });
  const roles = ['ok', '..', '-x', 'a b', 3];
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', acceptedResourceRoles: roles })), {
    '/acceptedResourceRoles(1)': ['A role name must not be "..".'],
    '/acceptedResourceRoles(2)': ["A role name must not start with a '-'."],
    '/acceptedResourceRoles(3)': ['A role name must not include a space (\\x20) character.'],
    '/acceptedResourceRoles(4)': ['error.expected.jsstring'],
  });
});

test('fields minidc cannot honour are refused naming the field, rather than silently dropped', () => {
  const error = parseErr({
    id: '/web',
    cmd: 'x',
    container: { type: 'DOCKER', docker: { image: 'nginx' }, volumes: [{ containerPath: '/data', mode: 'RW' }] },
    fetch: [{ uri: 'https://example.com/app.tgz' }],
    uris: ['https://example.com/app.tgz'],
    readinessChecks: [{ name: 'ready' }],
    dependencies: ['/db'],
    networks: [{ mode: 'container', name: 'dcos' }],
    secrets: { s: { source: 'x' } },
    executor: '/opt/my-executor',
  });
  assert.deepEqual(errorsByPath(error), {
    '/fetch': [UnsupportedErrors.fetch],
    '/uris': [UnsupportedErrors.fetch],
    '/readinessChecks': [UnsupportedErrors.readinessChecks],
    '/dependencies': [UnsupportedErrors.dependencies],
    '/secrets': [UnsupportedErrors.secrets],
    '/executor': [UnsupportedErrors.executor],
    '/networks': [UnsupportedErrors.networks],
    '/container/docker': [UnsupportedErrors.docker],
    '/container/volumes': [UnsupportedErrors.volumes],
  });
  assert.deepEqual(errorsByPath(parseErr({ id: '/web', cmd: 'x', container: {} })), {
    '/container/type': [UnsupportedErrors.containerType],
  });
});

test('the empty values Marathon prints are accepted, and a MESOS container without an image is kept', () => {
  const app = parseOk({
    id: '/web',
    cmd: 'x',
    container: { type: 'MESOS', volumes: [] },
    fetch: [],
    uris: [],
    storeUrls: [],
    readinessChecks: [],
    dependencies: [],
    networks: [{ mode: 'host' }],
    secrets: {},
    executor: '',
    ipAddress: null,
  });
  assert.deepEqual(app.container, { type: 'MESOS', volumes: [] });
  assert.equal(parseOk({ id: '/web', cmd: 'x' }).container, undefined);
});
