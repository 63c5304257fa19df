/**
 * What minidc's master and agents report as their build (`/version`, the state endpoints). The version is the Mesos
 * API level minidc follows, so tools that check it (Mesos-DNS, exporters, the DC/OS UI) treat it as that Mesos.
 */
export const MESOS_API_VERSION = '1.11.0';

export const BUILD_INFO = {
  version: MESOS_API_VERSION,
  build_date: '2026-11-22 00:00:00',
  build_time: 1795305600,
  build_user: 'minidc',
} as const;
