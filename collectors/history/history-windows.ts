/**
 * The windows the history answers, as DC/OS sized its buffers (`minute`: 30 polls 2 s apart, `hour`: 60 samples a
 * minute apart) plus minidc's `day` (1,440 samples a minute apart, read from the same tier as `hour`).
 */
import { HOUR_TIER, MINUTE_TIER } from './history-database.ts';

export interface HistoryWindow {
  tier: number;
  periodMs: number;
  slots: number;
}

export const HISTORY_WINDOWS = {
  minute: { tier: MINUTE_TIER, periodMs: 2_000, slots: 30 },
  hour: { tier: HOUR_TIER, periodMs: 60_000, slots: 60 },
  day: { tier: HOUR_TIER, periodMs: 60_000, slots: 1_440 },
} as const satisfies Record<string, HistoryWindow>;
