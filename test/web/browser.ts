/**
 * The browser tests' harness: builds the page once (Vite), serves web/dist on a loopback
 * port, and drives Debian's chromium through playwright-core, with WebGL on SwiftShader (the
 * software rasterizer) where no GPU exists. Without chromium the tests skip with the reason,
 * unless THEORYGRAD_REQUIRE_BROWSER=1 (CI), where they fail.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.THEORYGRAD_CHROMIUM ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'web', 'dist');

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no chromium at ${CHROMIUM} (apt-get install chromium, or set THEORYGRAD_CHROMIUM)`;
  return undefined;
}

/** Builds web/ into web/dist with the project's Vite config. */
export async function buildPage(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown',
  '.css': 'text/css',
};

/** Serves web/dist on 127.0.0.1 at a free port. */
export async function servePage(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dist) || !existsSync(file)) {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Chromium headless, offline, with a fresh profile and WebGL on SwiftShader. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'theorygrad-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
    ],
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Calls Backend method `method` of the page's gpujs backend (WebGL) with `args` (typed arrays
 * encoded by f32) and returns the result as a Float32Array (or as it came, for non-arrays).
 */
export async function callInPage(page: Page, method: string, args: unknown[]): Promise<Float32Array> {
  const result = await page.evaluate(
    ([name, values]) =>
      (globalThis as unknown as { theorygrad: { call(b: string, m: string, a: unknown[]): unknown } }).theorygrad.call(
        'gpujs',
        name as string,
        values as unknown[],
      ),
    [method, args] as const,
  );
  return Float32Array.from(result as number[]);
}
