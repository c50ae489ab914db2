import { identityRule } from '../../linear';

/** GaussianNoise is the identity at inference, which is the only mode the JVP engine runs in. */
export const gaussianNoiseRule = identityRule('GaussianNoise');
