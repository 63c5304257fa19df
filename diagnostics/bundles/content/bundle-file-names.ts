/**
 * How dcos-diagnostics names bundle files, so tools written for DC/OS bundles (dcos-labs/bun, operators' scripts)
 * find them: endpoint dumps `<port>-<SanitizeString(uri)>.json`, commands `strings.Join(cmd, "_")` without `/`
 * plus `.output`.
 */

/** dcos-diagnostics' SanitizeString: leading `/` trimmed, every rune but a letter, digit, `_` or `-` → `_`. */
export function sanitizeString(uri: string): string {
  return uri.replace(/^\/+/, '').replace(/[^\p{L}\p{N}_-]/gu, '_');
}

/** `5050-master_state.json` for port 5050 and `/master/state`. */
export function endpointFileName(port: number, uri: string, extension = 'json'): string {
  return `${port}-${sanitizeString(uri)}.${extension}`;
}

/** `dmesg_-T.output`, `binsh_-c_cat etcos-release.output`. */
export function commandFileName(command: readonly string[]): string {
  return `${command.join('_').replaceAll('/', '')}.output`;
}

/** The port of an endpoint URL, the scheme's default when the URL names none. */
export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
