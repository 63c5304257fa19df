import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { parseRunSpec, type RunSpec } from '../../../runtime/marathon/run-spec.ts';
import { buildTaskLaunch } from '../../../runtime/marathon/task-launch-builder.ts';
import { appIdOfTaskId, mesosTaskName, newTaskId } from '../../../runtime/marathon/task-naming.ts';

function spec(json: Record<string, unknown>): RunSpec {
  const r = parseRunSpec({ cmd: 'x', ...json });
  if (!r.ok) assert.fail(JSON.stringify(r.error));
  return r.spec;
}

test('task ids and names follow Marathon: group_web.<uuid> and web.group', () => {
  assert.equal(newTaskId('/web', 'u1'), 'web.u1');
  assert.equal(newTaskId('/group/web', 'u1'), 'group_web.u1');
  assert.match(newTaskId('/a/b/c'), /^a_b_c\.[0-9a-f-]{36}$/);
  assert.equal(mesosTaskName('/web'), 'web');
  assert.equal(mesosTaskName('/group/web'), 'web.group');
  assert.equal(appIdOfTaskId('group_web.u1'), '/group/web');
  assert.equal(appIdOfTaskId('my.app.u1'), '/my.app');
  assert.equal(appIdOfTaskId('nodot'), undefined);
});

test('args become an exec command; labels and the kill grace period are carried over', () => {
  const launch = buildTaskLaunch(
    spec({ id: '/api', cmd: undefined, args: ['/bin/api', '--port', '$PORT0'], labels: { a: 'b' }, taskKillGracePeriodSeconds: 7, user: 'nobody' }),
    { taskId: 'api.u', version: 'v', host: '10.0.0.1', resources: Resources.parse('cpus:1'), hostPorts: [31000] },
  );
  assert.deepEqual(launch.command, { value: '/bin/api', shell: false, arguments: ['/bin/api', '--port', '$PORT0'] });
  assert.deepEqual(launch.labels, [{ key: 'a', value: 'b' }]);
  assert.equal(launch.killGracePeriodMs, 7000);
  assert.equal(launch.user, 'nobody');
});

test('discovery info lists every host port with its name, protocol and labels; tcp,udp is two ports', () => {
  const launch = buildTaskLaunch(
    spec({
      id: '/dns',
      portDefinitions: [
        { port: 0, name: 'dns', protocol: 'udp,tcp', labels: { VIP_0: '/dns:53' } },
        { port: 0, name: 'admin' },
      ],
    }),
    { taskId: 'dns.u', version: 'v', host: '10.0.0.1', resources: Resources.EMPTY, hostPorts: [31001, 31002] },
  );
  assert.deepEqual(launch.discovery, {
    visibility: 'FRAMEWORK',
    name: 'dns',
    ports: {
      ports: [
        { number: 31001, name: 'dns', protocol: 'udp', labels: { labels: [{ key: 'VIP_0', value: '/dns:53' }] } },
        { number: 31001, name: 'dns', protocol: 'tcp', labels: { labels: [{ key: 'VIP_0', value: '/dns:53' }] } },
        { number: 31002, name: 'admin', protocol: 'tcp', labels: { labels: [] } },
      ],
    },
  });
  const env = launch.env!;
  assert.equal(env.PORTS, '31001,31002');
  assert.equal(env.PORT1, '31002');
  assert.equal(env.PORT_DNS, '31001');
  assert.equal(env.PORT_ADMIN, '31002');
});

test("the app's env wins over Marathon's port variables but not over the task identity", () => {
  const launch = buildTaskLaunch(
    spec({ id: '/e', env: { PORT0: '80', MARATHON_APP_ID: 'spoof', MESOS_TASK_ID: 'spoof', LOG: 'debug' }, labels: { 'my-label': 'v', big: 'x'.repeat(600) } }),
    { taskId: 'e.u', version: 'v9', host: '10.0.0.1', resources: Resources.EMPTY, hostPorts: [31000] },
  );
  const env = launch.env!;
  assert.equal(env.PORT0, '80');
  assert.equal(env.LOG, 'debug');
  assert.equal(env.MARATHON_APP_ID, '/e');
  assert.equal(env.MESOS_TASK_ID, 'e.u');
  assert.equal(env.MARATHON_APP_VERSION, 'v9');
  assert.equal(env.MARATHON_APP_LABEL_MY_LABEL, 'v');
  assert.equal(env.MARATHON_APP_LABELS, 'MY_LABEL');
  assert.equal(env.MARATHON_APP_LABEL_BIG, undefined);
});
