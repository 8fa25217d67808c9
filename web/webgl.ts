/**
 * WebGL in this page: which context the browser offers, its renderer string, and gpu.js
 * handed to the library's gpujs runtime pinned to that mode (webgl2, else webgl). Where
 * neither exists the gpujs backend is not created and the page says so.
 */
import * as gpujsModule from 'gpu.js';
import { provideGpuJs, type GpuJsMode } from '../gpu/gpujs/index.ts';

/** What the page found: the gpu.js mode to pin (null without WebGL) and the renderer. */
export interface WebGlInfo {
  mode: GpuJsMode | null;
  /** UNMASKED_RENDERER_WEBGL where the browser exposes it, else RENDERER. */
  renderer: string;
  /** Why WebGL is unavailable, when it is. */
  reason?: string;
}

/** gpu.js's browser build is UMD: Vite hands its exports either directly or as `default`. */
type GpuJsExports = { GPU: typeof import('gpu.js').GPU };
const gpujs: GpuJsExports =
  (gpujsModule as unknown as Partial<GpuJsExports>).GPU !== undefined
    ? (gpujsModule as unknown as GpuJsExports)
    : (gpujsModule as unknown as { default: GpuJsExports }).default;

/** The renderer string of a fresh context (the debug extension's unmasked one where offered). */
function rendererOf(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) as string;
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

/**
 * Finds WebGL, and where it exists hands gpu.js to the library pinned to the best mode.
 * @example const { mode, renderer } = setUpWebGl(); // { mode: 'webgl2', renderer: 'ANGLE (…SwiftShader…)' }
 */
export function setUpWebGl(version: string): WebGlInfo {
  const canvas = document.createElement('canvas');
  const gl2 = canvas.getContext('webgl2');
  const gl = gl2 ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return { mode: null, renderer: 'none', reason: 'this browser offers neither WebGL2 nor WebGL' };
  const mode: GpuJsMode = gl2 ? 'webgl2' : 'webgl';
  const renderer = rendererOf(gl);
  provideGpuJs({ GPU: gpujs.GPU as never, version, mode });
  return { mode, renderer };
}
