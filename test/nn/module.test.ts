/** Module bookkeeping: dotted names, registration rules, modes, Parameter slots, state dicts. */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { BatchNorm1d, Linear, Module, Parameter, ReLU, Sequential, StateBuffer } from '../../src/nn/index.ts';

class Network extends Module {
  readonly body = this.addModule(
    'body',
    new Sequential(new Linear(3, 4, { seed: 0 }), new ReLU(), new Linear(4, 4, { seed: 1, bias: false })),
  );
  readonly norm = this.addModule('norm', new BatchNorm1d(4));
  readonly head = this.addModule('head', new Linear(4, 2, { seed: 2 }));
  readonly temperature = this.addParameter('temperature', ad.ones([]));

  forward(x: ad.Tensor): ad.Tensor {
    return this.head.forward(this.norm.forward(this.body.forward(x))).mul(this.temperature.value);
  }
}

describe('Module', () => {
  it('names parameters and buffers with dotted paths through children, in registration order', () => {
    const net = new Network();
    expect(net.namedParameters().map(([name]) => name)).toEqual([
      'temperature',
      'body.0.weight',
      'body.0.bias',
      'body.2.weight',
      'norm.weight',
      'norm.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(net.namedBuffers().map(([name]) => name)).toEqual(['norm.runningMean', 'norm.runningVariance']);
    expect(net.namedModules().map(([name]) => name)).toEqual([
      '',
      'body',
      'body.0',
      'body.1',
      'body.2',
      'norm',
      'head',
    ]);
    expect(net.parameters()).toHaveLength(8);
    expect([...net.stateDict().keys()]).toHaveLength(10);
  });

  it('rejects duplicate, empty and dotted names', () => {
    class Bad extends Module {
      constructor(name: string, twice: boolean) {
        super();
        this.addParameter(name, ad.ones([1]));
        if (twice) this.addBuffer(name, ad.ones([1]));
      }
      forward(x: ad.Tensor) {
        return x;
      }
    }
    expect(() => new Bad('w', true)).toThrow(/addBuffer: 'w' is already registered on Bad/);
    expect(() => new Bad('', false)).toThrow(/addParameter: name must be a non-empty string without dots/);
    expect(() => new Bad('a.b', false)).toThrow(/without dots, got "a.b"/);
  });

  it('train() and eval() set the mode of every descendant', () => {
    const net = new Network().eval();
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
  });

  it('backward fills parameter gradients; an assign stores a fresh leaf and drops the gradient; zeroGrad clears', () => {
    const net = new Network();
    net
      .forward(ad.randomNormal([5, 3], { seed: 3 }))
      .sum()
      .backward();
    for (const [name, parameter] of net.namedParameters()) expect(parameter.grad?.shape, name).toEqual(parameter.shape);
    const head = net.head.weight;
    const next = head.value.sub(head.grad!.mul(0.1));
    head.assign(next);
    expect(head.value).not.toBe(next);
    expect(head.value.node).toBeUndefined();
    expect(head.value.requiresGrad).toBe(true);
    expect(head.grad).toBeUndefined();
    expect(net.body.layers[0].parameters()[0].grad).toBeDefined();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === undefined)).toBe(true);
  });

  it('assign checks shape and dtype; a frozen parameter takes no gradient', () => {
    const parameter = new Parameter(ad.zeros([2, 3]));
    expect(() => parameter.assign(ad.zeros([3, 2]))).toThrow(
      'Parameter.assign: the new value float32 [3,2] must match the current float32 [2,3]',
    );
    expect(() => parameter.assign(ad.zeros([2, 3], { dtype: 'float64' }))).toThrow(
      /float64 \[2,3\] must match the current float32/,
    );
    expect(() => new StateBuffer(ad.zeros([2])).assign(ad.zeros([3]))).toThrow(/StateBuffer.assign/);
    parameter.frozen = true;
    expect(parameter.value.requiresGrad).toBe(false);
    const input = ad.ones([2, 3], { requiresGrad: true });
    input.mul(parameter.value).sum().backward();
    expect(parameter.grad).toBeUndefined();
    parameter.frozen = false;
    expect(parameter.value.requiresGrad).toBe(true);
  });

  it('loadStateDict copies every value, and reports every mismatch at once without assigning any', () => {
    const source = new Network();
    const target = new Network();
    target.head.weight.assign(ad.zeros([2, 4]));
    target.loadStateDict(source.stateDict());
    for (const [name, value] of source.stateDict())
      expect(target.stateDict().get(name)!.toArray(), name).toEqual(value.toArray());

    const broken = new Map(source.stateDict());
    broken.delete('head.bias');
    broken.set('extra', ad.zeros([1]));
    broken.set('body.0.weight', ad.zeros([3, 4]));
    const before = target.head.weight.value;
    expect(() => target.loadStateDict(broken, 'checkpoint')).toThrow(
      'Network.loadStateDict: checkpoint does not match the module (3 problems): ' +
        "'body.0.weight' is float32 [3,4] in checkpoint but float32 [4,3] in the module; missing 'head.bias' [2]; unexpected 'extra' [1]",
    );
    expect(target.head.weight.value).toBe(before);
  });
});
