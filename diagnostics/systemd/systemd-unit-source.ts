/**
 * The health model's UnitSource on a real DC/OS node: the `dcos-*` units `dcos.target` wants, their properties
 * from `systemctl show`, their journals from `journalctl`. `properties()` is synchronous in the interface, so it
 * answers from a snapshot that `refresh()` takes with one `systemctl show` for every unit; the health reader awaits
 * a refresh before each read (concurrent reads share one), so an answer is never older than its request.
 * A unit whose state could not be read (systemctl missing, hung, failing, or a block it cannot parse) has no
 * properties, and refresh() says why, for the reader to report it unhealthy with that reason.
 */
import type { UnitJournalExcerpt, UnitJournalQuery, UnitProperties } from '../../runtime/units/unit-reader.ts';
import type { UnitSource } from '../health/unit-source.ts';
import { DCOS_TARGET_WANTS, dcosTargetWants } from './dcos-target-wants.ts';
import { journalctlArgs, parseJournalJson } from './journal-json.ts';
import { parseSystemctlShow, systemctlShowArgs } from './systemctl-show.ts';
import { runSystemdCommand, type SystemdCommandOptions } from './systemd-command.ts';

export interface SystemdUnitSourceOptions {
  /** Default /etc/systemd/system/dcos.target.wants. */
  wantsDir?: string;
  /** Default `systemctl` and `journalctl` on PATH. */
  systemctl?: string;
  journalctl?: string;
  /** Each systemctl/journalctl run; default 5 s (dcos-diagnostics' D-Bus calls had none). */
  timeoutMs?: number;
  /** Where journald keeps its files (what readJournal names as `path`); default /var/log/journal. */
  journalDir?: string;
}

export const DEFAULT_SYSTEMD_TIMEOUT_MS = 5000;
/** ~1 KiB of properties per unit; a node has a few dozen. */
const MAX_SHOW_BYTES = 1024 * 1024;
/** A day of a busy unit's journal (bundles read 24 h), as JSON. */
const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;

interface Snapshot {
  readonly names: readonly string[];
  readonly properties: ReadonlyMap<string, UnitProperties>;
}

export class SystemdUnitSource implements UnitSource {
  private readonly wantsDir: string;
  private readonly journalDir: string;
  private readonly systemctl: SystemdCommandOptions;
  private readonly journalctl: SystemdCommandOptions;
  private snapshot: Snapshot = { names: [], properties: new Map() };
  private refreshing: Promise<ReadonlyMap<string, string>> | undefined;

  constructor(options: SystemdUnitSourceOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SYSTEMD_TIMEOUT_MS;
    this.wantsDir = options.wantsDir ?? DCOS_TARGET_WANTS;
    this.journalDir = options.journalDir ?? '/var/log/journal';
    this.systemctl = { binary: options.systemctl ?? 'systemctl', timeoutMs, maxBytes: MAX_SHOW_BYTES };
    this.journalctl = { binary: options.journalctl ?? 'journalctl', timeoutMs, maxBytes: MAX_JOURNAL_BYTES };
  }

  /** Fails with one line when the wants directory cannot be read or either tool does not run (for startup). */
  async check(): Promise<void> {
    await dcosTargetWants(this.wantsDir);
    await runSystemdCommand(this.systemctl, ['--version']);
    await runSystemdCommand(this.journalctl, ['--version']);
  }

  /** The units as of the last refresh, sorted. */
  unitNames(): string[] {
    return [...this.snapshot.names];
  }

  properties(unit: string): UnitProperties | undefined {
    return this.snapshot.properties.get(unit);
  }

  /** Reads every unit afresh; resolves with the units whose state could not be read, and why. Never rejects. */
  refresh(): Promise<ReadonlyMap<string, string>> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async readJournal(unit: string, query?: UnitJournalQuery): Promise<UnitJournalExcerpt> {
    // Only the node's own units reach journalctl's arguments.
    if (!this.snapshot.names.includes(unit)) throw new Error(`Unit ${unit} could not be found.`);
    const output = await runSystemdCommand(this.journalctl, journalctlArgs(unit, query));
    return { path: this.journalDir, entries: parseJournalJson(output) };
  }

  private async read(): Promise<ReadonlyMap<string, string>> {
    let names: readonly string[];
    try {
      names = await dcosTargetWants(this.wantsDir);
    } catch (err) {
      // The units known last stay listed, each saying why it could not be read now.
      return this.unreadable(this.snapshot.names, (err as Error).message);
    }
    let shown: Map<string, UnitProperties | Error>;
    try {
      shown = names.length === 0 ? new Map() : parseSystemctlShow(await runSystemdCommand(this.systemctl, systemctlShowArgs(names)), names);
    } catch (err) {
      return this.unreadable(names, (err as Error).message);
    }
    const properties = new Map<string, UnitProperties>();
    const unreadable = new Map<string, string>();
    for (const [unit, p] of shown) {
      if (p instanceof Error) unreadable.set(unit, p.message);
      else properties.set(unit, p);
    }
    this.snapshot = { names, properties };
    return unreadable;
  }

  /** A snapshot of `names` with no properties, every unit unreadable for `why`. */
  private unreadable(names: readonly string[], why: string): ReadonlyMap<string, string> {
    this.snapshot = { names, properties: new Map() };
    return new Map(names.map((n) => [n, why]));
  }
}
