import type { Command } from '../command';
import { useBackend } from '../../backend';
import { backendChoice } from '../options';

export const backendCommand: Command = {
  name: 'backend',
  summary: 'Select a tfjs backend and say which one was chosen and why',
  usage: 'liederiv backend [--backend auto|tensorflow|webgpu|wasm|cpu]',
  options: { backend: { type: 'string' } },
  async run(values, io) {
    const report = await useBackend(backendChoice(values));
    io.stdout.write(report.line + '\n');
  },
};
