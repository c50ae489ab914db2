import type { Command } from '../command';
import { LiederivError } from '../../errors';

// Placeholder until its issue lands; listed by --help so the command set is visible.
export const leeCommand: Command = {
  name: 'lee',
  summary: '(not implemented yet)',
  usage: 'liederiv lee ...',
  options: {},
  async run() {
    throw new LiederivError("'liederiv lee' is not implemented yet", 'E_NOT_IMPLEMENTED');
  },
};
