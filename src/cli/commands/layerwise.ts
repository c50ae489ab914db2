import type { Command } from '../command';
import { LiederivError } from '../../errors';

// Placeholder until its issue lands; listed by --help so the command set is visible.
export const layerwiseCommand: Command = {
  name: 'layerwise',
  summary: '(not implemented yet)',
  usage: 'liederiv layerwise ...',
  options: {},
  async run() {
    throw new LiederivError("'liederiv layerwise' is not implemented yet", 'E_NOT_IMPLEMENTED');
  },
};
