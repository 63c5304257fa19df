/**
 * `DATA_DIR/endpoints.json`: what is bound where, written atomically once the cluster is ready. Users, tests and
 * every later component (diagnostics, collectors, Admin Router) find the cluster through it.
 */
import { writeFileAtomic } from '../storage/atomic-file.ts';

export type NodeRole = 'master' | 'agent' | 'agent_public';

export interface EndpointsFile {
  cluster: { id: string; name: string };
  nodes: {
    id: string;
    ip: string;
    role: NodeRole;
    hostname: string;
    /** The node's units by name, sorted (`systemctl list-units`). */
    units: string[];
    /** Endpoint name → base URL (HTTP) or host:port (other protocols). */
    endpoints: Record<string, string>;
  }[];
}

export async function writeEndpointsFile(path: string, file: EndpointsFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
}
