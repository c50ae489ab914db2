import { LiederivError } from '../errors';
import { liederivVersion } from '../version';
import { parseCommandArgs, UsageError, type CliIO } from './command';
import { COMMANDS } from './commands';

const VERSION = liederivVersion();

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `liederiv ${VERSION} — Lie derivatives for measuring learned equivariance of TF.js image models`,
    '',
    'Usage: liederiv <command> [options]     (liederiv <command> --help for its options)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment: LIEDERIV_BACKEND=auto|tensorflow|webgpu|wasm|cpu (default auto). See environment.md.',
  ].join('\n');
}

/**
 * Runs the CLI and returns the exit code, the same in every command: 0 ok, 1 run-time error (a
 * LiederivError or a file-system error), 2 usage error (UsageError: a missing, unknown or
 * malformed option or name typed on the command line).
 */
export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help() + '\n');
    return 0;
  }
  if (name === '--version') {
    io.stdout.write(VERSION + '\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`liederiv: unknown command '${name}'; valid: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help) {
      io.stdout.write(`${cmd.usage}\n\n${cmd.summary}\n`);
      return 0;
    }
    await cmd.run(values as Record<string, string | boolean | string[] | undefined>, io, positionals);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`liederiv ${name}: ${err.message}\nusage: ${cmd.usage.split('\n')[0]}\n`);
      return 2;
    }
    if (err instanceof LiederivError) {
      io.stderr.write(`liederiv ${name}: error: ${err.message}\n`);
      return 1;
    }
    // A file-system error (ENOENT, EACCES, ENOSPC, ...) is a run-time error with a message that
    // names the file: exit 1 like every other, not a stack trace. Anything else is a bug: rethrown.
    const sys = err as NodeJS.ErrnoException;
    if (typeof sys?.code === 'string' && typeof sys.syscall === 'string') {
      io.stderr.write(`liederiv ${name}: error: ${sys.message}\n`);
      return 1;
    }
    throw err;
  }
}

/**
 * Runs the CLI on this process's arguments and sets its exit code: what `bin/liederiv.js` does, and
 * what `node dist/src/cli/main.js …` does too (that path used to load the module and exit 0 silently).
 * An error that is not a LiederivError is a bug in liederiv: printed with its stack, exit 70.
 */
export function runCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `liederiv: internal error (a bug in liederiv, not in your input; please report it with the lines below)\n${(err as Error)?.stack ?? String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
}

if (require.main === module) void runCli();
