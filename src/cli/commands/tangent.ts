import type { Command } from '../command';
import { LiederivError } from '../../errors';

// Placeholder until its issue lands; listed by --help so the command set is visible.
export const tangentCommand: Command = {
  name: 'tangent',
  summary: '(not implemented yet)',
  usage: 'liederiv tangent ...',
  options: {},
  async run() {
    throw new LiederivError("'liederiv tangent' is not implemented yet", 'E_NOT_IMPLEMENTED');
  },
};
