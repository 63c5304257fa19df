/**
 * One run of `dcos-gen-resolvconf.service`: ask the node's forwarder for `ready.spartan`, choose the nameservers
 * (resolv-conf.ts), and replace the node's resolv.conf atomically only when its content changes — a file tasks and
 * tools read at any moment must never be seen half written, and an unchanged one is never touched. Each change is
 * journalled with why.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../storage/atomic-file.ts';
import type { TimerJob, TimerJobContext } from '../timer-job.ts';
import { probeReadySpartan, type ReadyProbeOptions } from './ready-spartan-probe.ts';
import { chooseNameservers, renderResolvConf } from './resolv-conf.ts';

export interface GenResolvConfOptions {
  /** The file written, e.g. `<nodeDir>/etc/resolv.conf`. */
  path: string;
  /** The node's forwarder (`ip:port`); undefined until it has bound once. */
  forwarderAddress: () => string | undefined;
  /** The fallback resolvers (`ip` or `ip:port`), read at each run. */
  upstreams: () => readonly string[];
  /** `search` domains; none: no search line. */
  search?: readonly string[];
  /** Per lookup of `ready.spartan`. Default 1 s. */
  timeoutMs?: number;
  /** Stands in for the DNS lookup in tests. */
  probe?: (server: string, options: ReadyProbeOptions) => Promise<string[]>;
}

export class GenResolvConf implements TimerJob {
  private readonly probe: NonNullable<GenResolvConfOptions['probe']>;

  constructor(private readonly options: GenResolvConfOptions) {
    this.probe = options.probe ?? probeReadySpartan;
  }

  async run(ctx: TimerJobContext): Promise<void> {
    const { path } = this.options;
    const forwarder = this.options.forwarderAddress();
    let problem = forwarder === undefined ? 'the forwarder has no DNS address yet' : undefined;
    if (forwarder !== undefined) {
      try {
        await this.probe(forwarder, { timeoutMs: this.options.timeoutMs ?? 1000, signal: ctx.signal });
      } catch (err) {
        ctx.signal.throwIfAborted();
        problem = `${forwarder} did not answer ready.spartan: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const choice = chooseNameservers({
      answeringForwarder: problem === undefined ? forwarder : undefined,
      ...(problem === undefined ? {} : { forwarderProblem: problem }),
      upstreams: this.options.upstreams(),
    });
    const content = renderResolvConf(choice, this.options.search ?? []);
    const current = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (current === content) return;
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, content);
    // resolv.conf is world-readable, as /etc/resolv.conf is: tasks running as other users read their copy of it.
    await chmod(path, 0o644);
    const servers = choice.nameservers.length > 0 ? choice.nameservers.join(', ') : 'none';
    ctx.log(
      choice.source === 'forwarder'
        ? `${path}: nameserver ${servers} (the node's forwarder answers ready.spartan)`
        : `${path}: nameservers ${servers} from the upstream resolvers (${choice.reason})`,
    );
  }
}
