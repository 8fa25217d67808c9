/**
 * Random truncations and byte changes of a model state file (safetensors layout with a
 * sha256 in __metadata__): each must read back the original tensors exactly (a change that
 * does not touch what they are, e.g. in the "format" string) or fail with an Error naming
 * readStateFile and the file; never a raw TypeError/RangeError, never other values.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { readStateFile, writeStateFile } from '../../src/nn/state-file.ts';
import { corrupt, corruptionOf, fileRuns, rightDataOrClearError, temporaryRoot } from './files.ts';

const root = temporaryRoot('corrupt-state');

function bytesOf(tensor: ad.Tensor): number[] {
  return Array.from(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
}

describe('state files', () => {
  const original = new Map([
    [
      'layer.weight',
      ad.tensor([
        [1.5, -2, 0.25],
        [3, 4, -5],
      ]),
    ],
    ['layer.bias', ad.tensor([0.125, -0.5], { dtype: 'float64' })],
    ['scale', ad.tensor([7])],
  ]);
  const pristine = join(root, 'pristine.safetensors');
  writeStateFile(pristine, original);
  const bytes = readFileSync(pristine);
  const path = join(root, 'model.safetensors');

  it('a truncated file is always an error; a changed byte is an error or leaves the tensors as written', () => {
    fc.assert(
      fc.property(corruptionOf(bytes.length), (corruption) => {
        writeFileSync(path, corrupt(bytes, corruption));
        const threw = rightDataOrClearError(
          () => readStateFile(path),
          ['readStateFile'],
          path,
          (tensors) => {
            expect([...tensors.keys()]).toEqual([...original.keys()]);
            for (const [name, tensor] of original) {
              const read = tensors.get(name)!;
              expect([read.dtype, read.shape, bytesOf(read)], name).toEqual([
                tensor.dtype,
                tensor.shape,
                bytesOf(tensor),
              ]);
            }
          },
        );
        if (corruption.kind === 'truncate') expect(threw).toBe(true);
      }),
      fileRuns,
    );
  });

  it('every single-bit flip of a stored value is detected', () => {
    const dataStart = bytes.length - 2 * 3 * 4 - 2 * 8 - 4;
    for (let offset = dataStart; offset < bytes.length; offset++) {
      for (let bit = 0; bit < 8; bit++) {
        writeFileSync(path, corrupt(bytes, { kind: 'flip', offset, mask: 1 << bit }));
        expect(() => readStateFile(path)).toThrow(`readStateFile: ${path}: checksum mismatch`);
      }
    }
  });
});
