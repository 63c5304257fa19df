// Rewrites the README's metric catalogue table from collectors/catalogue (npm run catalogue:readme).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CATALOGUE } from '../collectors/catalogue/catalogue.ts';
import { withCatalogueTable } from '../collectors/catalogue/catalogue-table.ts';

const path = new URL('../README.md', import.meta.url);
const next = withCatalogueTable(readFileSync(path, 'utf8'), CATALOGUE);
const temp = new URL('../README.md.tmp', import.meta.url);
writeFileSync(temp, next);
renameSync(temp, path);
process.stdout.write(`README.md: catalogue table of ${CATALOGUE.length} metrics written\n`);
