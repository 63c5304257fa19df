/**
 * `npm run bench:allocator` — Mesos's DeclineOffers allocator benchmark (hierarchical_allocator_tests.cpp):
 * agents `cpus:24;mem:4096;disk:4096;ports:[31000-32000]`, each with `cpus:16;mem:2014;disk:1024` and 16 port
 * ranges already in use by frameworks assigned round-robin (role `*`); every round, all offers are declined with the
 * longest filter, then one allocation cycle is timed. Each cluster size runs in its own process so peak RSS is its own.
 *
 * Usage: npm run bench:allocator [-- --rounds N] [-- --point AGENTSxFRAMEWORKS]
 * The last line printed is `allocator 10000x1000 median_ms=<number>`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { declineOffersCluster } from './decline-offers.ts';
import { percentile } from '../runtime/metrics/windowed-timer.ts';

const POINTS = ['1000x100', '10000x1000', '50000x1000'];
const HEADLINE = '10000x1000';

interface PointResult {
  point: string;
  rounds: number;
  addMs: number;
  medianMs: number;
  p90Ms: number;
  offersPerRound: number;
  peakRssMb: number;
}

function runPoint(point: string, rounds: number): PointResult {
  const [agents, frameworks] = point.split('x').map(Number) as [number, number];
  const cluster = declineOffersCluster(agents, frameworks);
  const times: number[] = [];
  let offersPerRound = 0;
  for (let r = 0; r < rounds; r++) {
    const { ms, offers } = cluster.round();
    times.push(ms);
    offersPerRound = offers;
  }
  const sorted = [...times].sort((x, y) => x - y);
  return {
    point,
    rounds,
    addMs: cluster.addMs,
    medianMs: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    offersPerRound,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const fixed = (n: number) => n.toFixed(2);
const pointArg = arg('--point');
const rounds = Number(arg('--rounds') ?? 10);

if (pointArg !== undefined) {
  process.stdout.write(JSON.stringify(runPoint(pointArg, rounds)) + '\n');
} else {
  const self = fileURLToPath(import.meta.url);
  let headline: PointResult | undefined;
  console.log(`# DeclineOffers: ${rounds} rounds per point, node ${process.version}`);
  for (const point of POINTS) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--point', point, '--rounds', String(rounds)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) {
      console.error(`bench ${point} failed: ${child.stderr.trim().split('\n').pop()}`);
      process.exit(1);
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as PointResult;
    console.log(
      `${r.point.padEnd(11)} add_agents_ms=${fixed(r.addMs)} median_ms=${fixed(r.medianMs)} p90_ms=${fixed(r.p90Ms)} offers_per_round=${r.offersPerRound} peak_rss_mb=${fixed(r.peakRssMb)}`,
    );
    if (r.point === HEADLINE) headline = r;
  }
  console.log(`allocator ${HEADLINE} median_ms=${fixed(headline!.medianMs)}`);
}
