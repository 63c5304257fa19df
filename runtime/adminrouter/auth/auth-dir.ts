/** `<data_dir>/auth/`: the signing keys, accounts.json and the first admin's credential, all private to minidc. */
import { join } from 'node:path';

export const authDirOf = (dataDir: string): string => join(dataDir, 'auth');
