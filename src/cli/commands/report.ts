import type { Command } from '../command';
import { LiederivError } from '../../errors';

// Placeholder until its issue lands; listed by --help so the command set is visible.
export const reportCommand: Command = {
  name: 'report',
  summary: '(not implemented yet)',
  usage: 'liederiv report ...',
  options: {},
  async run() {
    throw new LiederivError("'liederiv report' is not implemented yet", 'E_NOT_IMPLEMENTED');
  },
};
