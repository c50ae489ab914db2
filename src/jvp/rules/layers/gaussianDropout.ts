import { identityRule } from '../../linear';

/** GaussianDropout is the identity at inference, which is the only mode the JVP engine runs in. */
export const gaussianDropoutRule = identityRule('GaussianDropout');
