/**
 * User and group names for uids and gids, as `/files/browse` shows owners (Mesos uses getpwuid/getgrgid). Node has
 * neither, so this reads /etc/passwd and /etc/group once per listing; ids without an entry are shown as numbers,
 * as Mesos does.
 */
import { readFile } from 'node:fs/promises';

export interface AccountNames {
  user(uid: number): string;
  group(gid: number): string;
}

export async function loadAccountNames(passwdPath = '/etc/passwd', groupPath = '/etc/group'): Promise<AccountNames> {
  const [users, groups] = await Promise.all([readIdNames(passwdPath), readIdNames(groupPath)]);
  return {
    user: (uid) => users.get(uid) ?? String(uid),
    group: (gid) => groups.get(gid) ?? String(gid),
  };
}

/** Both files are `name:x:id:…` lines; the first entry for an id wins, as getpwuid returns it. */
async function readIdNames(path: string): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return names;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    const n = Number(id);
    if (name && id !== undefined && id !== '' && Number.isInteger(n) && !names.has(n)) names.set(n, name);
  }
  return names;
}
