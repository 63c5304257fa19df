/** DC/OS's ports for each component (`--ports standard`); `--ports ephemeral` lets the OS pick every one. */
export const STANDARD_PORTS = {
  master: 5050,
  agent: 5051,
  marathon: 8080,
  l4lb: 61421,
} as const;
