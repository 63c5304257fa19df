import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { MesosDns } from '../runtime/dns/mesos-dns/mesos-dns.ts';
import { StaticStateSource } from '../runtime/dns/mesos-dns/state-source.ts';
import { syntheticState } from './dns.ts';
import { RecordSet } from '../runtime/dns/mesos-dns/record-set.ts';
import { generateRecords } from '../runtime/dns/mesos-dns/record-generator.ts';
import { wireKeyToName } from '../runtime/dns/wire/dns-names.ts';
const state = syntheticState(10000, 1000, 1000, true);
const rs = new RecordSet();
generateRecords(state, { domain: 'mesos', ipSources: ['host','netinfo'], labelSpec: 'rfc1123', masters: [], nameServerIps: ['127.0.0.1'], soaMname: 'ns1.mesos.' }, rs);
const lines = [...[...rs.a.keys()].map((k) => `${wireKeyToName(k)} A`), ...[...rs.srvs.keys()].map((k) => `${wireKeyToName(k)} SRV`)];
writeFileSync('/tmp/q.txt', lines.join('\n') + '\n');
for (let round = 0; round < 3; round++) {
  for (const worker of [true, false]) {
    const dns = new MesosDns({ source: new StaticStateSource(state), listen: { host: '127.0.0.1', dnsPort: 0, httpPort: 0 }, externalOn: false, httpOn: false, worker });
    const b = await dns.start();
    const args = ['-s', '127.0.0.1', '-p', String(b.dns!.port), '-d', '/tmp/q.txt', '-c', '20', '-l', '4'];
    await new Promise((r) => setTimeout(r, 10));
    const { spawn } = await import('node:child_process');
    const run = () => new Promise<string>((res) => { const c = spawn('dnsperf', args); let o = ''; c.stdout.on('data', (d) => (o += d)); c.on('close', () => res(o)); });
    await run();
    const out = await run();
    console.log(worker ? 'worker    ' : 'in-process', /Queries per second:\s+([\d.]+)/.exec(out)?.[1]);
    await dns.stop();
  }
}
void spawnSync;
