/**
 * gpu.js kernel results as flat Float32Arrays: the host copy of a kernel's output (or of a
 * pipeline texture's values, read back).
 */

/**
 * Copies (or adopts) a gpu.js result as one flat Float32Array of `size` values. gpu.js
 * returns a Float32Array for 1-D outputs and nested arrays of Float32Array rows (or of
 * 4-vectors) otherwise; in webasm mode all of them are views of one fresh buffer.
 * @example flatten(kernel(a, b), cells, size, 'matmul') // Float32Array(size)
 */
export function flatten(result: unknown, total: number, size: number, label: string): Float32Array {
  if (result instanceof Float32Array) {
    if (result.length === size && result.byteOffset === 0 && result.buffer.byteLength === size * 4) return result;
    if (result.length >= size) return result.slice(0, size);
  } else if (Array.isArray(result)) {
    const first = firstLeaf(result);
    if (
      first &&
      first.byteOffset === 0 &&
      first.buffer.byteLength === total * 4 &&
      sharesBuffer(result, first.buffer)
    ) {
      const whole = new Float32Array(first.buffer);
      return size === total ? whole : whole.slice(0, size);
    }
    const out = new Float32Array(total);
    let offset = 0;
    const walk = (node: unknown): void => {
      if (node instanceof Float32Array) {
        out.set(node, offset);
        offset += node.length;
      } else if (Array.isArray(node)) {
        for (const child of node) walk(child);
      }
    };
    walk(result);
    if (offset === total) return size === total ? out : out.slice(0, size);
  }
  throw new Error(`gpujs ${label}: unexpected kernel result (expected ${total} float32 values)`);
}

function firstLeaf(node: unknown): Float32Array | undefined {
  while (Array.isArray(node)) node = node[0];
  return node instanceof Float32Array ? node : undefined;
}

/** True when every leaf is a view of `buffer` and the leaves tile it in order. */
function sharesBuffer(node: unknown, buffer: ArrayBufferLike): boolean {
  let expected = 0;
  const walk = (value: unknown): boolean => {
    if (value instanceof Float32Array) {
      if (value.buffer !== buffer || value.byteOffset !== expected) return false;
      expected += value.byteLength;
      return true;
    }
    return Array.isArray(value) && value.every(walk);
  };
  return walk(node) && expected === buffer.byteLength;
}
