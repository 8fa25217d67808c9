#!/usr/bin/env node
// `npx theorygrad` starts plain Node on this file; the command is TypeScript, so tsx's loader
// is registered first and the .ts entry imported through it.
import { register } from 'tsx/esm/api';

register();
await import('./theorygrad.ts');
