/**
 * Looks up the account a task should run as. Node has no getpwnam(), so this reads the passwd file; accounts only
 * known to NSS (LDAP, sssd) are not found.
 */
import { readFile } from 'node:fs/promises';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export async function lookupSystemUser(name: string, passwdPath = '/etc/passwd'): Promise<SystemUser | undefined> {
  const text = await readFile(passwdPath, 'utf8');
  for (const line of text.split('\n')) {
    // name:password:uid:gid:gecos:home:shell
    const f = line.split(':');
    if (f.length < 7 || f[0] !== name) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    return { name, uid, gid, home: f[5]! };
  }
  return undefined;
}
