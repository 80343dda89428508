#!/usr/bin/env node
// The `revisit` CLI: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from 'tsx/esm/api';

process.env.OMP_NUM_THREADS ??= '1'; // OpenMP and OpenBLAS threads fight on small machines
register();
await import('../cli/main.ts');
