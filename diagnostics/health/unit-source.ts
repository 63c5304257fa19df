/**
 * Where the health model reads units from: the node's UnitReader on a minidc node; on a real DC/OS node a systemd
 * backend (`systemctl show`, `journalctl`) implements the same three reads, from a snapshot it takes in `refresh`.
 * Nothing else of the reader is needed (`streamJournal`, where a source has it, lets bundles stream a day of journal).
 */
import type { UnitReader } from '../../runtime/units/unit-reader.ts';

export type UnitSource = Pick<UnitReader, 'unitNames' | 'properties' | 'readJournal' | 'streamJournal'> & {
  /**
   * Awaited before each health read by a source that reads its units in one batch (systemd), which takes its
   * snapshot here; resolves with the units whose state it could not read and why, reported unhealthy with that text.
   */
  refresh?(): Promise<ReadonlyMap<string, string>>;
};
