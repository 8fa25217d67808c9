/**
 * A Vite plugin that puts the reproduction gallery under `gallery/`: the results/index.html
 * that src/report/gallery.ts writes (with REPORT.md and every figure it links), served by
 * the dev server and copied into the build. The page links to it; nothing is re-rendered.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/** The files of the gallery, relative to `results`: index.html, REPORT.md and <slug>/*.svg. */
function galleryFiles(results: string): string[] {
  if (!existsSync(join(results, 'index.html'))) return [];
  const files = ['index.html', 'REPORT.md'].filter((file) => existsSync(join(results, file)));
  for (const slug of readdirSync(results)) {
    const folder = join(results, slug);
    if (slug === 'quick' || slug === 'cache' || slug.startsWith('.') || !statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder)) if (file.endsWith('.svg')) files.push(`${slug}/${file}`);
  }
  return files;
}

const TYPES: Record<string, string> = { html: 'text/html', md: 'text/markdown', svg: 'image/svg+xml' };

/** @example plugins: [gallery('/repo/results')] */
export function gallery(results: string): Plugin {
  return {
    name: 'theorygrad-gallery',
    configureServer(server) {
      server.middlewares.use('/gallery/', (request, response, next) => {
        const file = decodeURIComponent((request.url ?? '/').split('?')[0].slice(1)) || 'index.html';
        if (!galleryFiles(results).includes(file)) return next();
        response.setHeader('Content-Type', TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream');
        response.end(readFileSync(join(results, file)));
      });
    },
    generateBundle() {
      for (const file of galleryFiles(results))
        this.emitFile({ type: 'asset', fileName: `gallery/${file}`, source: readFileSync(join(results, file)) });
    },
  };
}
