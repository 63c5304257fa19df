/**
 * The one logging function every component is given: it writes the owning unit's journal (UnitContext.log is one),
 * with a syslog priority (info when omitted). Components never print; the journal is where operators, bundles and
 * diagnostics look.
 */
import type { Priority } from './unit-journal.ts';

export type UnitLog = (message: string, priority?: Priority) => void;
