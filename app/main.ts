/** The `minidc` command with every node service placed (run by bin/minidc.js). */
import { main } from '../runtime/cli.ts';
import { NODE_SERVICES } from './node-services.ts';

await main(process.argv, NODE_SERVICES);
