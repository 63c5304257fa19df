#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx so a clone needs only `npm ci`, no build step.
import { register } from 'tsx/esm/api';

register();
await import('../app/main.ts');
