/**
 * The browser page (issue #23): `npm run web` serves it, `npm run web:build` builds it into
 * web/dist (git-ignored). The library is imported unchanged; see build/ for the three
 * build-time pieces (Node built-in stubs, the bundled MNIST subset, the results gallery).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { gallery } from './build/gallery.ts';
import { mnistSubset } from './build/mnist-subset.ts';
import { nodeBuiltinStubs } from './build/node-builtins.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Training images bundled into the page (≈ 0.4 MB as base64). */
export const MNIST_SUBSET = 512;

export default defineConfig({
  root: here,
  base: './',
  plugins: [
    nodeBuiltinStubs(),
    mnistSubset(MNIST_SUBSET),
    gallery(fileURLToPath(new URL('../results', import.meta.url))),
  ],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
