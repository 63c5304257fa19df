/**
 * The sample app a new cluster starts with (three instances of a small HTTP service behind a VIP, health-checked),
 * deployed through Marathon's public API like any user's app. Only on a cluster with no apps yet, so a restart
 * (or a user who deleted it) is left alone.
 */
import { fileURLToPath } from 'node:url';
import type { Cluster } from './cluster.ts';

export const SAMPLE_APP_ID = '/sample';

export function sampleAppDefinition(): Record<string, unknown> {
  const script = fileURLToPath(new URL('./sample-server.mjs', import.meta.url));
  return {
    id: SAMPLE_APP_ID,
    cmd: `'${process.execPath}' '${script}'`,
    instances: 3,
    cpus: 0.1,
    mem: 32,
    portDefinitions: [{ port: 0, protocol: 'tcp', name: 'http', labels: { VIP_0: '/sample:8000' } }],
    healthChecks: [
      {
        protocol: 'HTTP',
        path: '/',
        portIndex: 0,
        gracePeriodSeconds: 30,
        intervalSeconds: 10,
        timeoutSeconds: 5,
        maxConsecutiveFailures: 3,
      },
    ],
    labels: { MINIDC_SAMPLE: 'true' },
  };
}

export async function deploySampleApp(cluster: Cluster, out: (line: string) => void): Promise<void> {
  const marathon = cluster.nodes.find((n) => n.role === 'master')?.endpoints.marathon;
  if (!marathon) return;
  const list = await fetch(`${marathon}/v2/apps`, { signal: AbortSignal.timeout(10_000) });
  if (!list.ok) throw new Error(`Marathon answered ${list.status} listing apps`);
  const { apps } = (await list.json()) as { apps: unknown[] };
  if (apps.length > 0) return;
  const res = await fetch(`${marathon}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sampleAppDefinition()),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 201) throw new Error(`Marathon refused the sample app: ${res.status} ${await res.text()}`);
  out(`minidc: deployed the sample app ${SAMPLE_APP_ID} (3 instances; start with --no-sample to skip it)`);
}
