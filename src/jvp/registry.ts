import type * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from '../errors';
import type { LayerRule, OpRule } from './types';

const layerRules = new Map<string, LayerRule>();
const opRules = new Map<string, OpRule>();

/** Registers a layer rule; a duplicate is an error (tfjs's gradient registry overwrites silently). */
export function registerLayerRule(rule: LayerRule): void {
  if (layerRules.has(rule.className)) throw new Error(`JVP rule for layer class '${rule.className}' registered twice`);
  layerRules.set(rule.className, rule);
}

export function registerOpRule(rule: OpRule): void {
  if (opRules.has(rule.op)) throw new Error(`JVP rule for op '${rule.op}' registered twice`);
  opRules.set(rule.op, rule);
}

export function layerRuleFor(layer: tf.layers.Layer): LayerRule {
  const rule = layerRules.get(layer.getClassName());
  if (!rule) throw new UnsupportedLayerError(layer.name, layer.getClassName(), [...layerRules.keys()], 'layer');
  return rule;
}

export function opRuleFor(op: string, nodeName: string): OpRule {
  const rule = opRules.get(op);
  if (!rule) throw new UnsupportedLayerError(nodeName, op, [...opRules.keys()], 'op');
  return rule;
}

export function registeredLayerClasses(): string[] {
  return [...layerRules.keys()].sort();
}

export function registeredOps(): string[] {
  return [...opRules.keys()].sort();
}
