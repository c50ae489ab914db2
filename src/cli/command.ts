import { parseArgs } from 'node:util';
import { LiederivError, UnknownNameError } from '../errors';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean };

/**
 * One `liederiv <name>` subcommand. `options` follows node:util parseArgs; `run` receives the parsed
 * values and writes data to `io.stdout`, progress and messages to `io.stderr`.
 */
export interface Command {
  name: string;
  summary: string;
  /** Usage text shown by `liederiv <name> --help` (first line: the synopsis). */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Allow positional arguments (default false: any is an error). */
  positionals?: boolean;
  run(values: Record<string, string | boolean | string[] | undefined>, io: CliIO, positionals: string[]): Promise<void>;
}

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A usage error: the CLI prints it with the command's synopsis and exits 2. */
export class UsageError extends LiederivError {
  constructor(message: string) {
    super(message, 'E_USAGE');
  }
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: !!cmd.positionals,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Reads a name typed on the command line: an UnknownNameError (which lists the valid names)
 * becomes a UsageError, so every command exits 2 for it, not 1 (a run-time error).
 */
export function asUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof UnknownNameError) throw new UsageError(err.message);
    throw err;
  }
}

/** A required string option, with a usage error naming it when missing. */
export function requireOption(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing required option --${name}`);
  return v;
}

/** A positive-integer option (`--batch`, `--probes`): a usage error says what was expected. */
export function intOption(values: Record<string, unknown>, name: string, fallback: number, { min = 1 } = {}): number {
  const v = values[name] as string | boolean | Array<string | boolean> | undefined; // what parseArgs gives
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${String(v)}'`);
  return n;
}
