/**
 * `host_disk_size_mb`, a test aid: the filesystem size the node's host collector reports, in MiB, instead of the
 * real one, so a test can make a node's disk look full without writing gigabytes. Set per node in
 * `<nodeDir>/etc/telegraf.json` (`{"host_disk_size_mb": 100}`), the node's dcos-telegraf config; read when
 * dcos-telegraf.service starts, so a change takes effect on its next restart. The used bytes stay the real ones,
 * capped at the size: an override below what is used reads as a full disk.
 */
import { invalidConfig, nodeConfigPath, readNodeConfig } from '../../runtime/storage/node-config-file.ts';
import type { HostReading } from './host-collector.ts';

export const HOST_DISK_SIZE_KEY = 'host_disk_size_mb';

/** `<nodeDir>/etc/telegraf.json`, where the node's dcos-telegraf reads its config. */
export function telegrafConfigPath(nodeDir: string): string {
  return nodeConfigPath(nodeDir, 'telegraf');
}

/**
 * The override in bytes, undefined without a config file or without the key. A bad file, or a size that is not a
 * positive number, throws naming the file and the key: the unit fails to start with that reason.
 */
export async function readHostDiskSizeOverride(nodeDir: string): Promise<number | undefined> {
  const path = telegrafConfigPath(nodeDir);
  const size = (await readNodeConfig(path))?.[HOST_DISK_SIZE_KEY];
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isFinite(size) || size <= 0)
    throw invalidConfig(path, `'${HOST_DISK_SIZE_KEY}' must be a positive number of MiB, got ${JSON.stringify(size)}`);
  return Math.round(size * 1024 * 1024);
}

/** A reading as if the filesystem were `sizeBytes` big. */
export function withDiskSize(reading: HostReading, sizeBytes: number): HostReading {
  return { ...reading, diskTotal: sizeBytes, diskUsed: Math.min(reading.diskUsed, sizeBytes) };
}
