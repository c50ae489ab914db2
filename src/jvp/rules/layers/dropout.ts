import { identityRule } from '../../linear';

/** Dropout is the identity at inference, which is the only mode the JVP engine runs in. */
export const dropoutRule = identityRule('Dropout');
