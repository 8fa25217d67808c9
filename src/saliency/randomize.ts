/**
 * Adebayo et al. 2018's model randomization test (arXiv 1810.03292, §3.1), cascading form: the
 * trained weights of the layers are replaced by freshly initialized ones one layer at a time,
 * from the top (logits) down, and the saliency maps of each partly randomized model are
 * compared with the trained model's. Works on any src/nn Module: the fresh weights come from a
 * second instance of the same architecture built with another seed.
 */
import type * as ad from '../../autodiff/index.ts';
import type { Module } from '../nn/index.ts';

/** One step of the cascade: which layers are random, and the state to load. */
export interface RandomizationStep {
  /** The layers (module names) holding fresh weights, top first; empty for the trained model. */
  randomized: string[];
  state: Map<string, ad.Tensor>;
}

/** The parameter and buffer names of `module` that belong to the module named `layer`. */
function belongsTo(name: string, layer: string): boolean {
  return layer === '' || name === layer || name.startsWith(`${layer}.`);
}

/**
 * The trained state with the parameters and buffers of `layers` taken from `fresh`.
 * @example net.loadStateDict(randomizedState(net, freshNet, ['layers.9']))
 */
export function randomizedState(trained: Module, fresh: Module, layers: readonly string[]): Map<string, ad.Tensor> {
  const state = trained.stateDict();
  const freshState = fresh.stateDict();
  for (const layer of layers) {
    const names = [...state.keys()].filter((name) => belongsTo(name, layer));
    if (names.length === 0)
      throw new Error(`randomizedState: no parameter of layer '${layer}' (names: ${[...state.keys()].join(', ')})`);
    for (const name of names) {
      const value = freshState.get(name);
      if (value === undefined || value.shape.join() !== state.get(name)!.shape.join())
        throw new Error(
          `randomizedState: the fresh model has no '${name}' of shape [${state.get(name)!.shape}] (got ${value ? `[${value.shape}]` : 'none'})`,
        );
      state.set(name, value);
    }
  }
  return state;
}

/**
 * The cascade: step 0 is the trained model, step j has the top j of `layersTopFirst` randomized.
 * @example for (const step of cascadingRandomization(net, fresh, ['layers.9', 'layers.7'])) net.loadStateDict(step.state)
 */
export function cascadingRandomization(
  trained: Module,
  fresh: Module,
  layersTopFirst: readonly string[],
): RandomizationStep[] {
  return Array.from({ length: layersTopFirst.length + 1 }, (_, count) => {
    const randomized = layersTopFirst.slice(0, count);
    return { randomized, state: randomizedState(trained, fresh, randomized) };
  });
}
