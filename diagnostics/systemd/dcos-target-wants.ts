/**
 * The units a DC/OS node runs: the `dcos-*` entries of `dcos.target`'s wants directory (what dcos-diagnostics
 * listed, by file name; a dangling link still names a unit, which systemd then reports not-found), sorted. Names that
 * are not unit names are skipped, so nothing but a unit name reaches systemctl's arguments.
 */
import { readdir } from 'node:fs/promises';

export const DCOS_TARGET_WANTS = '/etc/systemd/system/dcos.target.wants';

const DCOS_UNIT_NAME = /^dcos-[A-Za-z0-9:_.@\\-]+\.(service|socket|timer|target|path|mount)$/;

export async function dcosTargetWants(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new Error(`cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return names.filter((n) => DCOS_UNIT_NAME.test(n)).sort();
}
