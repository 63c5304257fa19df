/**
 * One real Agent (simulated executor: no processes) with its HTTP surface (`/state`, `/containers`,
 * `/metrics/snapshot`, …) on a loopback port, registered with a master in the same process — the agent a benchmark
 * scrapes when the rest of the cluster is simulated at the protocol level.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Agent, type MasterLink } from '../../runtime/agent/agent.ts';
import { agentHttpPlugin } from '../../runtime/agent/http/agent-http-plugin.ts';
import { SimulatedExecutor } from '../../runtime/agent/simulated-executor.ts';
import { createHttpServer } from '../../runtime/http/http-server.ts';
import { listenHttp } from '../../runtime/http/listen-http.ts';
import { Resources } from '../../runtime/mesos/resources.ts';

export interface HttpAgent {
  agent: Agent;
  /** `http://127.0.0.1:<port>`, the agent's base URL. */
  url: string;
  close(): Promise<void>;
}

/** Binds the agent's HTTP surface first, so the agent registers with the port it really answers on. */
export async function startHttpAgent(master: MasterLink, workDir: string): Promise<HttpAgent> {
  const agent = new Agent({
    hostname: '127.0.0.1',
    ip: '127.0.0.1',
    port: 0,
    resources: Resources.parse('cpus:16;mem:65536;disk:100000;ports:[31000-32000]'),
    attributes: { rack: 'r-http' },
    workDir: join(workDir, 'http-agent'),
    executor: new SimulatedExecutor({ onError: () => {} }),
    master,
    version: '1.11.0',
  });
  const app: FastifyInstance = createHttpServer();
  await app.register(agentHttpPlugin, { agent, flags: { work_dir: agent.workDir } });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  agent.port = Number(new URL(url).port);
  await agent.start();
  return {
    agent,
    url,
    close: async () => {
      agent.stop();
      await agent.shutdownTasks();
      await app.close();
    },
  };
}
