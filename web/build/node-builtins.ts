/**
 * A Vite plugin that resolves Node built-ins (`node:fs`, `node:path`, …) in the page's
 * import graph to stubs whose every export throws when called. The library's browser path
 * (tensors, nn, optim, infinite kernels, both backends) never calls them, but some of the
 * modules it imports also hold Node-only helpers (caches on disk, state files, progress on
 * stderr); stubbing keeps those modules importable unchanged, and a stray call fails loudly
 * with the built-in's name instead of Vite's empty `__vite-browser-external` object.
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const PREFIX = '\0node-builtin:';

/** @example plugins: [nodeBuiltinStubs()] */
export function nodeBuiltinStubs(): Plugin {
  return {
    name: 'theorygrad-node-builtin-stubs',
    enforce: 'pre',
    resolveId(source) {
      const name = source.startsWith('node:') ? source.slice(5) : source;
      if (builtinModules.includes(name) && (source.startsWith('node:') || !name.includes('/'))) return PREFIX + name;
      return null;
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const real = (await import(`node:${name}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
      return [
        `const unavailable = (what) => () => { throw new Error('node:${name}: ' + what + ' is not available in the browser'); };`,
        ...names.map((key) => `export const ${key} = unavailable(${JSON.stringify(key)});`),
        `export default new Proxy({}, { get: (_, key) => unavailable(String(key)) });`,
      ].join('\n');
    },
  };
}
