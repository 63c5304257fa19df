/**
 * DNS names of named VIPs, following dcos-net: `/mygroup/myapp` of framework `marathon` is
 * `mygroupmyapp.marathon.l4lb.thisdcos.directory`. Each part is split on dots and every piece is sanitised into an
 * RFC 1123 label the way Mesos-state sanitises names, so slashes are dropped rather than turned into dashes.
 */

export const L4LB_ZONE = 'l4lb.thisdcos.directory';

/** Zones dcos-dns renames to the l4lb zone before answering (aliases users may have configured). */
const ALIAS_ZONES = ['dclb.thisdcos.directory', 'dclb.thisdcos.global', 'l4lb.thisdcos.global'];

const MAX_LABEL = 63;

function isAllowed(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/**
 * One DNS label from arbitrary text: ASCII upper case lowered; everything before the first letter or digit dropped;
 * `-`, `_` and `.` become `-`; other characters dropped; at most 63 characters, and once the limit is reached any
 * trailing dashes are trimmed and only letters and digits may fill the freed room; trailing dashes removed.
 */
export function sanitizeDnsLabel(text: string): string {
  let out = '';
  let state: 'start' | 'middle' | 'full' = 'start';
  for (const raw of text) {
    const c = raw >= 'A' && raw <= 'Z' ? raw.toLowerCase() : raw;
    if (state === 'start') {
      if (!isAllowed(c)) continue;
      state = 'middle';
    }
    if (state === 'middle' && out.length >= MAX_LABEL) {
      out = out.replace(/-+$/, '');
      state = 'full';
    }
    if (state === 'full') {
      if (out.length >= MAX_LABEL) break;
      if (isAllowed(c)) out += c;
      continue;
    }
    if (c === '-' || c === '_' || c === '.') out += '-';
    else if (isAllowed(c)) out += c;
  }
  return out.replace(/-+$/, '');
}

/** Text split on dots, empty pieces dropped, each piece sanitised: one or more DNS labels. */
export function domainFragment(text: string): string {
  return text
    .split('.')
    .filter((piece) => piece !== '')
    .map(sanitizeDnsLabel)
    .join('.');
}

/**
 * FQDN of a named VIP, from the label's name part (`/mygroup/myapp`) and the framework name (`marathon`).
 * Undefined when a part sanitises to nothing (e.g. `/`), since no valid name exists for it.
 */
export function namedVipFqdn(name: string, framework: string): string | undefined {
  const fqdn = `${domainFragment(name)}.${domainFragment(framework)}.${L4LB_ZONE}`;
  return fqdn.split('.').every((label) => label !== '') ? fqdn : undefined;
}

/**
 * A query name in the form named VIPs are stored: lower case, no trailing dot, alias zones renamed to the l4lb zone.
 */
export function canonicalVipName(query: string): string {
  let name = query.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  for (const zone of ALIAS_ZONES) {
    if (name.endsWith(`.${zone}`)) return `${name.slice(0, -zone.length)}${L4LB_ZONE}`;
  }
  return name;
}
