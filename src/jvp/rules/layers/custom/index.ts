/**
 * JVP rules for the model zoo's custom layers (src/models/layers), registered here; src/jvp/rules/index.ts
 * imports this module for its side effects. Sorted by class name.
 */
import { registerLayerRule } from '../../../registry';
import type { LayerRule } from '../../../types';
import { blurPool2dRule } from './blurPool2d';
import { classTokenRule } from './classToken';
import { classTokenPoolRule } from './classTokenPool';
import { multiHeadSelfAttentionRule } from './multiHeadSelfAttention';
import { positionEmbeddingRule } from './positionEmbedding';

export const CUSTOM_LAYER_RULES: LayerRule[] = [
  blurPool2dRule,
  classTokenRule,
  classTokenPoolRule,
  multiHeadSelfAttentionRule,
  positionEmbeddingRule,
];

for (const rule of CUSTOM_LAYER_RULES) registerLayerRule(rule);
