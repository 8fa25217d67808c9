/**
 * Wrong arguments to the public autodiff API: every call either succeeds or throws an Error
 * whose message starts with the name of the function called; never a TypeError from deep
 * inside, a V8 abort, or a silent NaN. One regression case per class that once slipped
 * through, then random junk (fast-check) for every export of autodiff/index.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';

const x = ad.tensor([
  [1, 2],
  [3, 4],
]);
const images = ad.zeros([1, 1, 4, 4]);
const junk = <T>(value: unknown) => value as T;

/** Runs `call` and checks: success, or an Error (exactly Error) whose message starts with `name:`. */
function expectNamedFailure(name: string, call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof Error) || error.constructor !== Error || !error.message.startsWith(`${name}:`)) {
      throw new Error(`${name}: expected an Error starting '${name}:', got ${String(error)}`);
    }
  }
}

describe('each class of bad argument that once slipped through', () => {
  it('a non-tensor where a Tensor is expected (plain numbers stand for tensors only as binary operands)', () => {
    expect(() => ad.matmul(junk(undefined), x)).toThrow('matmul: first operand must be a Tensor, got undefined');
    expect(() => ad.matmul(x, junk([[1]]))).toThrow('matmul: second operand must be a Tensor, got an array');
    expect(() => ad.sum(junk(undefined))).toThrow('sum: input must be a Tensor, got undefined');
    expect(() => ad.softmax(junk(null))).toThrow('softmax: input must be a Tensor, got null');
    expect(() => ad.reshape(junk(3), [1])).toThrow('reshape: input must be a Tensor, got number 3');
    expect(() => ad.concat(junk(x))).toThrow('concat: inputs must be an array of Tensors, got a Tensor');
    expect(() => ad.conv2d(images, junk(undefined))).toThrow('conv2d: weight must be a Tensor, got undefined');
    expect(() => ad.maxPool2d(junk(undefined), { kernel: 2 })).toThrow('maxPool2d: input must be a Tensor');
    expect(() => ad.exp(junk(3))).toThrow('exp: input 0 must be a Tensor, got number 3');
    expect(() => ad.add(junk(3), junk('x'))).toThrow(
      "add: at least one operand must be a Tensor, got number 3 and string 'x'",
    );
    expect(() => ad.add(x, junk('x'))).toThrow("add: operand must be a Tensor or a number, got string 'x'");
    expect(ad.add(x, 1).toArray()).toEqual([2, 3, 4, 5]);
  });
  it('backward and the functional API with a non-tensor or mismatched gradient', () => {
    const y = x.requireGrad().mul(2);
    expect(() => y.sum().backward(junk('g'))).toThrow("backward: seed gradient must be a Tensor, got string 'g'");
    expect(() => y.backward(ad.ones([3]))).toThrow('backward: seed gradient float32 [3] must match the output');
    expect(() => y.backward(ad.ones([2, 2], { dtype: 'float64' }))).toThrow(
      'backward: seed gradient float64 [2,2] must match the output float32 [2,2]',
    );
    expect(() => y.sum().backward(undefined, junk('x'))).toThrow("backward: options must be an object, got string 'x'");
    expect(() => ad.vjp((t) => t.mul(2), x)[1](junk(3))).toThrow('vjp: seed gradient must be a Tensor');
    expect(() => ad.grad(junk('f'))(x)).toThrow("grad: f must be a function, got string 'f'");
    expect(() => ad.grad((t) => t.sum(), junk('0'))(x)).toThrow('grad: argnums must be an array of integers');
    expect(() => ad.gradcheck((t) => t.sum(), junk('x'))).toThrow('gradcheck: inputs must be an array of Tensors');
    expect(() =>
      ad.jacobian(
        junk(() => 1),
        x,
      ),
    ).toThrow('jacobian: the value the function returns must be a Tensor, got number 1');
  });
  it('non-numeric values (NaN is a number and allowed)', () => {
    expect(() => ad.full([2], junk('a'))).toThrow("full: value must be a number, got string 'a'");
    expect(() => ad.full([2], junk(null))).toThrow('full: value must be a number, got null');
    expect(() =>
      ad.pad(
        x,
        [
          [1, 1],
          [0, 0],
        ],
        junk('a'),
      ),
    ).toThrow("pad: value must be a number, got string 'a'");
    expect(ad.full([2], NaN).toArray()).toEqual([NaN, NaN]);
  });
  it('string, fractional and out-of-range axes', () => {
    expect(() => ad.sum(x, junk('0'))).toThrow("sum: axes must be an integer or an array of integers, got string '0'");
    expect(() => ad.sum(x, 1.5)).toThrow('sum: axis must be an integer, got number 1.5');
    expect(() => ad.sum(x, junk([0, '1']))).toThrow("sum: axes must hold integers, got [0,'1']");
    expect(() => ad.argmax(x, junk('1'))).toThrow("argmax: axis must be an integer, got string '1'");
    expect(() => ad.sum(x, 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => ad.sum(x, 0, junk('yes'))).toThrow("sum: keepDims must be true or false, got string 'yes'");
  });
  it('pool options that are not positive integers, and padding over half the kernel', () => {
    expect(() => ad.maxPool2d(images, { kernel: 0 })).toThrow(
      'maxPool2d: kernel must be an integer ≥ 1 or a pair of them, got 0',
    );
    expect(() => ad.avgPool2d(images, { kernel: 1.5 })).toThrow('avgPool2d: kernel must be an integer ≥ 1');
    expect(() => ad.avgPool2d(images, { kernel: junk('2') })).toThrow(
      "avgPool2d: kernel must be an integer ≥ 1 or a pair of them, got string '2'",
    );
    expect(() => ad.maxPool2d(images, { kernel: 2, stride: NaN })).toThrow('maxPool2d: stride must be an integer ≥ 1');
    expect(() => ad.maxPool2d(images, { kernel: 2, padding: -1 })).toThrow('maxPool2d: padding must be an integer ≥ 0');
    expect(() => ad.avgPool2d(images, { kernel: 2, padding: 2 })).toThrow(
      'avgPool2d: padding 2,2 must be at most half the kernel 2x2',
    );
    expect(() => ad.maxPool2d(images, junk(undefined))).toThrow('maxPool2d: kernel must be an integer ≥ 1');
    expect(() => ad.avgPool2d(images, { kernel: 2, countIncludePad: junk('no') })).toThrow(
      "avgPool2d: countIncludePad must be true or false, got string 'no'",
    );
  });
  it('shapes with negative, fractional, NaN or non-array entries', () => {
    expect(() => ad.zeros([-1])).toThrow('zeros: shape must hold non-negative integers, got [-1]');
    expect(() => ad.zeros([NaN])).toThrow('zeros: shape must hold non-negative integers, got [NaN]');
    expect(() => ad.reshape(x, junk('4'))).toThrow("reshape: shape must be an array of integers, got string '4'");
    expect(() => ad.scatterAdd(x, 0, [0, 1, 0, 1], junk([2, '2']))).toThrow(
      "scatterAdd: outShape must hold non-negative integers, got [2,'2']",
    );
    // the inferred index shape [1.5,2] once made a tensor of 3 values
    expect(() => ad.gather(x, 0, [0, 1, 1])).toThrow('gather: 3 indices do not fill whole rows of [2,2] along axis 0');
    expect(() => ad.gather(x, 0, [0, 2 ** 32, 0, 1], [2, 2])).toThrow('gather: index 4294967296 at position 1');
  });
});

/** Values of every kind an argument could wrongly be, and a few right ones. */
const junkArb = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    NaN,
    Infinity,
    -1,
    0,
    1,
    2,
    1.5,
    1e300,
    true,
    '0',
    'x',
    {},
    [],
    [1, 'a'],
    [[1, 1]],
    [2, 2],
    [0, 1, 0, 1],
    [-1],
    [1e9, 1e9],
    { kernel: 2 },
    { kernel: '2' },
    { stride: 0 },
    { seed: 1 },
    () => 1,
    x,
    images,
    ad.zeros([2], { dtype: 'float64' }),
  ),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 4 }),
);

/** Every function autodiff/index.ts exports, except the class and the backend selection (gpu/registry.ts). */
const notOps = new Set(['Tensor', 'primitives', 'currentBackend', 'withBackend', 'withBackendAsync', 'backendByName']);
const entryPoints = Object.entries(ad).filter(([name, value]) => typeof value === 'function' && !notOps.has(name)) as [
  string,
  (...args: unknown[]) => unknown,
][];

/** Tensor methods named after an op: their errors carry that op's name. */
const methods = Object.getOwnPropertyNames(ad.Tensor.prototype).filter((name) => name in ad && name !== 'constructor');

describe('random junk arguments to every export', () => {
  it('covers the ops', () => {
    expect(entryPoints.length).toBeGreaterThan(50);
    expect(methods.length).toBeGreaterThan(30);
  });
  it.each(entryPoints.map(([name]) => name))('%s', (name) => {
    const fn = ad[name as keyof typeof ad] as (...args: unknown[]) => unknown;
    fc.assert(
      fc.property(fc.array(junkArb, { maxLength: 4 }), (args) => {
        expectNamedFailure(name, () => {
          const result = fn(...args);
          // grad and valueAndGrad return functions: call those with junk too
          if (typeof result === 'function') (result as (...inner: unknown[]) => unknown)(...args);
        });
      }),
      { numRuns: 150 },
    );
  });
  it('Tensor methods', () => {
    fc.assert(
      fc.property(fc.constantFrom(...methods), fc.array(junkArb, { maxLength: 3 }), (method, args) => {
        const call = (x as unknown as Record<string, (...inner: unknown[]) => unknown>)[method];
        expectNamedFailure(method, () => call.apply(x, args));
      }),
      { numRuns: 500 },
    );
  });
  it('backward', () => {
    fc.assert(
      fc.property(fc.array(junkArb, { maxLength: 2 }), (args) => {
        const y = x.requireGrad().mul(2);
        expectNamedFailure('backward', () => y.backward(...(args as [])));
        expectNamedFailure('backward', () => y.sum().backward(...(args as [])));
      }),
      { numRuns: 200 },
    );
  });
});
