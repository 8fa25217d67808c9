/**
 * The page in a real browser (issue #23): headless chromium with WebGL on SwiftShader where
 * there is no GPU. The page loads without console errors, its demos run (the MLP's loss falls
 * on both backends, the CNTK matrices agree), a screenshot goes to results/web/screenshot.png,
 * and the WebGL (gpujs) backend agrees with the cpu backend on the op fuzz subset within the
 * float32 bounds of the webasm tests (test/gpu/gpujs-helpers.ts), and its results stay on the
 * GPU (web/device-check.ts: no texture leak, a chain and a training step). The page's figures are
 * printed, labelled with the renderer string. Skips without chromium unless
 * THEORYGRAD_REQUIRE_BROWSER=1.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { webglAgreement } from './agreement.ts';
import { CNTK_RELATIVE, expectDeviceReport } from './device.ts';
import type { DeviceReport } from '../../web/device-check.ts';
import { browserMissing, buildPage, callInPage, launchChromium, servePage } from './browser.ts';
import { expectWithin } from '../helpers/close.ts';

const missing = browserMissing();
const required = process.env.THEORYGRAD_REQUIRE_BROWSER === '1';
if (missing && required) throw new Error(`THEORYGRAD_REQUIRE_BROWSER=1 but the browser tests cannot run: ${missing}`);
if (missing) console.warn(`test/web skipped: ${missing}`);

/** Property runs in the browser: every new shape compiles a shader (slow on SwiftShader). */
const WEBGL_RUNS = 6;
const screenshot = fileURLToPath(new URL('../../results/web/screenshot.png', import.meta.url));

describe.skipIf(missing !== undefined)('the page in chromium (WebGL on the software rasterizer)', () => {
  let server: Server;
  let url: string;
  let context: BrowserContext;
  let close: () => Promise<void>;
  let page: Page;
  let renderer = '';

  beforeAll(async () => {
    await buildPage();
    ({ server, url } = await servePage());
    ({ context, close } = await launchChromium());
  });

  afterAll(async () => {
    await close?.();
    server?.close();
  });

  it('loads without console errors, trains (the loss falls), agrees on the CNTK matrix; screenshot saved', async () => {
    page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
      if (message.text().startsWith('theorygrad figure')) console.log(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction("document.body.dataset.state !== 'running'", undefined, { timeout: 100_000 });
    const state = await page.evaluate(() => ({
      state: (globalThis as unknown as { document: { body: { dataset: { state?: string } } } }).document.body.dataset
        .state,
      handle: (
        globalThis as unknown as {
          theorygrad: { webgl: { mode: string; renderer: string }; results: Record<string, unknown> };
        }
      ).theorygrad,
    }));
    expect(errors).toEqual([]);
    expect(state.state).toBe('done');
    renderer = state.handle.webgl.renderer;
    console.log(`test/web: gpu.js mode ${state.handle.webgl.mode}, WebGL renderer: ${renderer}`);
    expect(state.handle.webgl.mode).toMatch(/^webgl2?$/);
    const results = state.handle.results as Record<string, { losses?: number[]; ntk?: number[]; downloads?: number }>;
    for (const backend of ['gpujs', 'cpu']) {
      const losses = results[`mlp-${backend}`].losses!;
      const tail = losses.slice(-3).reduce((sum, loss) => sum + loss, 0) / 3;
      expect(tail, `${backend}: mean of the last 3 losses against the first`).toBeLessThan(0.7 * losses[0]);
    }
    const gpu = results['cntk-gpujs'].ntk!;
    const reference = results['cntk-cpu'].ntk!;
    const largest = Math.max(...reference.map(Math.abs));
    expectWithin(
      gpu,
      reference,
      () => CNTK_RELATIVE * largest,
      'CNTK NTK matrix (gpujs on WebGL, blocks on the GPU, vs cpu)',
    );
    // the 12 digits are one block: kernelMatrix reads back once, never between layers
    expect(results['cntk-gpujs'].downloads, 'CNTK on WebGL: read-backs of the kernelMatrix call').toBe(1);
    mkdirSync(fileURLToPath(new URL('../../results/web/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: screenshot });
    await page.close();
  });

  it('the WebGL backend agrees with cpu on the op fuzz subset (float32 bounds of the webasm tests)', async () => {
    page = await context.newPage();
    await page.goto(`${url}?demos=off`);
    await page.waitForFunction("document.body.dataset.state === 'done'", undefined, { timeout: 30_000 });
    await webglAgreement((method, args) => callInPage(page, method, args), WEBGL_RUNS);
    await page.close();
  });

  it('results stay on the GPU: no texture leak over 10,000 ops in tidy, a chain equal to the host path, a training step as on cpu', async () => {
    page = await context.newPage();
    await page.goto(`${url}?demos=off`);
    await page.waitForFunction("document.body.dataset.state === 'done'", undefined, { timeout: 30_000 });
    const report = await page.evaluate(() =>
      (globalThis as unknown as { theorygrad: { device(ops: number): unknown } }).theorygrad.device(10_000),
    );
    expectDeviceReport(report as DeviceReport);
    await page.close();
  }, 300_000);
});
