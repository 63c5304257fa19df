/**
 * One `/files/browse` entry as Mesos prints it (`FileInfo`): the `ls -l` facts of a file, with the mode as
 * `ls` shows it ("drwxr-xr-x") and owners by name.
 */
import { constants, type Stats } from 'node:fs';
import type { AccountNames } from './account-names.ts';

export interface FileInfoJson {
  path: string;
  nlink: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  mode: string;
  uid: string;
  gid: string;
}

export function fileInfoJson(path: string, stats: Stats, names: AccountNames): FileInfoJson {
  return {
    path,
    nlink: stats.nlink,
    size: stats.size,
    mtime: Math.floor(stats.mtimeMs / 1000),
    mode: modeString(stats),
    uid: names.user(stats.uid),
    gid: names.group(stats.gid),
  };
}

function fileType(stats: Stats): string {
  if (stats.isDirectory()) return 'd';
  if (stats.isSymbolicLink()) return 'l';
  if (stats.isCharacterDevice()) return 'c';
  if (stats.isBlockDevice()) return 'b';
  if (stats.isFIFO()) return 'p';
  if (stats.isSocket()) return 's';
  return '-';
}

const PERMISSION_BITS: [number, string][] = [
  [constants.S_IRUSR, 'r'],
  [constants.S_IWUSR, 'w'],
  [constants.S_IXUSR, 'x'],
  [constants.S_IRGRP, 'r'],
  [constants.S_IWGRP, 'w'],
  [constants.S_IXGRP, 'x'],
  [constants.S_IROTH, 'r'],
  [constants.S_IWOTH, 'w'],
  [constants.S_IXOTH, 'x'],
];

/** Type letter and the nine rwx bits; like Mesos, setuid/setgid/sticky are not shown. */
export function modeString(stats: Stats): string {
  return fileType(stats) + PERMISSION_BITS.map(([bit, c]) => (stats.mode & bit ? c : '-')).join('');
}
