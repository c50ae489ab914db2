import type { Command } from '../command';
import { LiederivError } from '../../errors';

// Placeholder until its issue lands; listed by --help so the command set is visible.
export const trainCommand: Command = {
  name: 'train',
  summary: '(not implemented yet)',
  usage: 'liederiv train ...',
  options: {},
  async run() {
    throw new LiederivError("'liederiv train' is not implemented yet", 'E_NOT_IMPLEMENTED');
  },
};
