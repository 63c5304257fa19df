// minidc_mesos_agent_listed{node} read over HTTP from a real master's /master/slaves: 1 for each agent it lists
// active, keyed by the address in the agent's pid (the `node` of the agent node's unit health); an agent that
// stopped is dropped from the list once the master marks it unreachable, so its series goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listedAgentsCollector } from '../../collectors/agents/listed-agents-collector.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../../runtime/master/http/master-http-plugin.ts';
import { cluster } from '../runtime/master/master-harness.ts';
import { eventually } from '../support/minidc-cli.ts';

test('agents the master lists, by node address', async (t) => {
  const h = await cluster(2);
  const app = createHttpServer();
  await app.register(masterHttpPlugin, { master: () => h.master, flags: {} });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(async () => {
    await app.close();
    await h.close();
  });
  const collector = listedAgentsCollector({ url: () => url });
  const listed = async () =>
    JSON.stringify(Object.fromEntries((await collector.collect({ signal: new AbortController().signal })).map((s) => [s.labels!.node, s.value])));

  await eventually('both agents listed', async () => ((await listed()) === JSON.stringify({ '127.0.2.1': 1, '127.0.2.2': 1 }) ? true : undefined));
  h.agents[1]!.stop();
  await eventually('the stopped agent unlisted', async () => ((await listed()) === JSON.stringify({ '127.0.2.1': 1 }) ? true : undefined));

  const unpublished = listedAgentsCollector({ url: () => undefined });
  await assert.rejects(async () => unpublished.collect({ signal: new AbortController().signal }), /endpoint not published yet/);
});
