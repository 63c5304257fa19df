/**
 * `ip:port` addresses as DC/OS writes them: `10.0.0.1:80`, and IPv6 in brackets `[fd01:c::1]:80` so the last `:`
 * still separates the port. Keys of VIPs and backends use this form everywhere (API paths, metrics, IPC).
 */
import { isIP } from 'node:net';

export interface IpPort {
  readonly ip: string;
  readonly port: number;
}

export function formatIpPort(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A TCP port as VIP labels and the API accept it: decimal digits, 1–65535 (dcos-l4lb reads it as an integer). */
export function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** Strict `ip:port` (IPv6 bracketed); undefined for anything else, so callers can answer 400. */
export function parseIpPort(text: string): IpPort | undefined {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  let ip = text.slice(0, colon);
  const port = parsePort(text.slice(colon + 1));
  if (port === undefined) return undefined;
  if (ip.startsWith('[') && ip.endsWith(']')) {
    ip = ip.slice(1, -1);
    if (isIP(ip) !== 6) return undefined;
  } else if (isIP(ip) !== 4) {
    return undefined;
  }
  return { ip, port };
}
