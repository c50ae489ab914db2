import { identityRule } from '../../linear';

/** AlphaDropout is the identity at inference, which is the only mode the JVP engine runs in. */
export const alphaDropoutRule = identityRule('AlphaDropout');
