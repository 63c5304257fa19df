/** DC/OS's ports for each component (`--ports standard`); `--ports ephemeral` lets the OS pick every one. */
export const STANDARD_PORTS = {
  master: 5050,
  agent: 5051,
  marathon: 8080,
  l4lb: 61421,
  mesosDns: 61053,
  mesosDnsHttp: 8123,
  /** DC/OS's forwarder answers on port 53, which needs root; as another user minidc uses 10053 instead. */
  dnsForwarder: process.getuid?.() === 0 ? 53 : 10053,
  /** dcos-net's REST API port, where the forwarder's metrics are served. */
  dnsForwarderApi: 62080,
  /** DC/OS's Telegraf Prometheus output: every node's `GET /metrics`. */
  metrics: 61091,
  /** dcos-diagnostics' `/system/health/v1`: DC/OS's 1050 on masters; agents (61001 behind Admin Router in DC/OS) 61050. */
  diagnosticsMaster: 1050,
  diagnosticsAgent: 61050,
  /** dcos-history's port (DC/OS bound it on 127.0.0.1 behind Admin Router; minidc on the master's address). */
  history: 15055,
  /** Admin Router: DC/OS's port 80 on masters needs root; as another user minidc uses 8000 instead. */
  adminrouterMaster: process.getuid?.() === 0 ? 80 : 8000,
  /** The agents' Admin Router (open), where the master's diagnostics pulls their health. */
  adminrouterAgent: 61001,
} as const;
