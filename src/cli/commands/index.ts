import type { Command } from '../command';
import { backendCommand } from './backend';
import { layerwiseCommand } from './layerwise';
import { leeCommand } from './lee';
import { notebooksCommand } from './notebooks';
import { reportCommand } from './report';
import { sweepCommand } from './sweep';
import { tangentCommand } from './tangent';
import { trainCommand } from './train';
import { exploreCommand } from './explore';

/** Every subcommand, in the order `liederiv --help` lists them. */
export const COMMANDS: Command[] = [
  leeCommand,
  layerwiseCommand,
  tangentCommand,
  trainCommand,
  reportCommand,
  notebooksCommand,
  backendCommand,
  sweepCommand,
  exploreCommand,
];
