/**
 * minidc's alerting rules, one group per concern (each in its own file, with its rules' firing and quiet cases).
 * `for:` windows come from thresholds.ts: short enough for a state to fire within 30 s of the fault at a 5 s scrape
 * (issue 13's target), longer where a brief spike is normal (resource use, latency).
 */
import type { AlertGroup } from './alert-rule.ts';
import { MESOS_ALERTS } from './mesos-alerts.ts';
import { MONITORING_ALERTS } from './monitoring-alerts.ts';
import { NETWORK_ALERTS } from './network-alerts.ts';
import { RESOURCE_ALERTS } from './resource-alerts.ts';
import { UNIT_ALERTS } from './unit-alerts.ts';

export const ALERT_GROUPS: readonly AlertGroup[] = [MESOS_ALERTS, RESOURCE_ALERTS, UNIT_ALERTS, NETWORK_ALERTS, MONITORING_ALERTS];
