/**
 * The zoo's custom layer classes. Importing this module registers them with
 * tf.serialization.registerClass — the only module with that side effect — so it must be imported
 * before `tf.loadLayersModel` / `loadModel` reads a zoo model.json (`src/models/zoo` imports it).
 */
import * as tf from '@tensorflow/tfjs';
import { BlurPool2D } from './blurPool2d';
import { ClassToken } from './classToken';
import { ClassTokenPool } from './classTokenPool';
import { MultiHeadSelfAttention } from './multiHeadSelfAttention';
import { PositionEmbedding } from './positionEmbedding';

/** Every custom layer class, sorted by className (a test checks each is registered once). */
export const CUSTOM_LAYER_CLASSES = [BlurPool2D, ClassToken, ClassTokenPool, MultiHeadSelfAttention, PositionEmbedding];

for (const cls of CUSTOM_LAYER_CLASSES)
  tf.serialization.registerClass(cls as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

export { BlurPool2D, ClassToken, ClassTokenPool, MultiHeadSelfAttention, PositionEmbedding };
