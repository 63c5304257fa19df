/**
 * Where the health model reads units from: the node's UnitReader on a minidc node; on a real DC/OS node a systemd
 * backend (D-Bus properties, journalctl) implements the same three reads. Nothing else of the reader is needed.
 */
import type { UnitReader } from '../../runtime/units/unit-reader.ts';

export type UnitSource = Pick<UnitReader, 'unitNames' | 'properties' | 'readJournal'>;
