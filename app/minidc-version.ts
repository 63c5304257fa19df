/** minidc's version, from its package.json: what its dcos-diagnostics reports as `dcos_diagnostics_version`. */
import { readFileSync } from 'node:fs';

export const MINIDC_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
