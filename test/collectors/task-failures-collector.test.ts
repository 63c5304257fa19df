// minidc_marathon_app_task_failures_total{app} from a real /v2/events stream: every TASK_FAILED/TASK_ERROR
// status update counts (five failures in a row are five, where lastTaskFailure would show one), other states do
// not but start the app's series at 0, the count survives the stream dropping (the collector is down meanwhile and reattaches on a later scrape),
// and stop() closes the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskFailuresCollector } from '../../collectors/marathon/task-failures-collector.ts';
import { registerEventStream } from '../../runtime/marathon/event-stream.ts';
import { MarathonEventBus } from '../../runtime/marathon/marathon-events.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { eventually } from '../support/minidc-cli.ts';

async function marathonEvents() {
  const bus = new MarathonEventBus(Date.now);
  const app = createHttpServer();
  registerEventStream(app, bus, Date.now);
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  return { bus, app, url };
}

const update = (bus: MarathonEventBus, appId: string, taskStatus: string) =>
  bus.publish('status_update_event', () => ({ appId, taskStatus, taskId: `${appId.slice(1)}.x`, slaveId: 's1' }));

test('failed tasks per app from the event stream, kept across a dropped stream', async (t) => {
  let marathon = await marathonEvents();
  let url: string | undefined = marathon.url;
  const collector = new TaskFailuresCollector({ url: () => url });
  t.after(async () => {
    collector.stop();
    await marathon.app.close();
  });
  const scrape = async () =>
    Object.fromEntries((await collector.collect({ signal: new AbortController().signal })).map((s) => [s.labels!.app, s.value]));

  assert.deepEqual(await scrape(), {});
  update(marathon.bus, '/crashy', 'TASK_STAGING');
  await eventually('the app seen before it fails', async () => ((await scrape())['/crashy'] === 0 ? true : undefined));
  for (let i = 0; i < 5; i++) update(marathon.bus, '/crashy', 'TASK_FAILED');
  update(marathon.bus, '/crashy', 'TASK_RUNNING');
  update(marathon.bus, '/group/web', 'TASK_ERROR');
  update(marathon.bus, '/group/web', 'TASK_KILLED');
  update(marathon.bus, '/group/web', 'TASK_FINISHED');
  update(marathon.bus, '/lost', 'TASK_LOST');
  await eventually('the failures counted', async () => ((await scrape())['/lost'] === 0 ? true : undefined));
  assert.deepEqual(await scrape(), { '/crashy': 5, '/group/web': 1, '/lost': 0 });

  // Marathon goes away: the stream ends and the collector is down, then attaches to the new one, counts kept.
  await marathon.app.close();
  await eventually('the collector down', async () => (await collector.collect({ signal: new AbortController().signal }).then(() => undefined, () => true)));
  marathon = await marathonEvents();
  url = marathon.url;
  update(marathon.bus, '/crashy', 'TASK_FAILED'); // before attaching: missed, as documented
  assert.deepEqual(await scrape(), { '/crashy': 5, '/group/web': 1, '/lost': 0 });
  update(marathon.bus, '/crashy', 'TASK_FAILED');
  await eventually('the new failure counted', async () => ((await scrape())['/crashy'] === 6 ? true : undefined));

  collector.stop();
  await eventually('no stream open after stop()', async () => (marathon.bus.hasSubscribers ? undefined : true));
});

test('a Marathon not published, or not answering, is the collector down', async () => {
  const unpublished = new TaskFailuresCollector({ url: () => undefined });
  await assert.rejects(async () => unpublished.collect({ signal: new AbortController().signal }), /endpoint not published yet/);
  const refused = new TaskFailuresCollector({ url: () => 'http://127.0.0.1:9' });
  await assert.rejects(async () => refused.collect({ signal: new AbortController().signal }), /127\.0\.0\.1:9/);
});
