import { identityRule } from '../../linear';

/** SpatialDropout1D is the identity at inference, which is the only mode the JVP engine runs in. */
export const spatialDropout1dRule = identityRule('SpatialDropout1D');
