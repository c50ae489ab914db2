import type { Command } from '../command';
import { LiederivError } from '../../errors';

// Placeholder until its issue lands; listed by --help so the command set is visible.
export const notebooksCommand: Command = {
  name: 'notebooks',
  summary: '(not implemented yet)',
  usage: 'liederiv notebooks ...',
  options: {},
  async run() {
    throw new LiederivError("'liederiv notebooks' is not implemented yet", 'E_NOT_IMPLEMENTED');
  },
};
