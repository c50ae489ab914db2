import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.LIEDERIV_PYTHON || '/usr/bin/python3';

/** Runs argv[0] with args under a Python wrapper that reports the child's peak RSS (ru_maxrss). */
export function runMeasured(
  argv: string[],
  timeoutMs: number,
): { stdout: string; stderr: string; status: number | null; peakRssMiB: number } {
  const wrapper = [
    'import resource, subprocess, sys',
    'r = subprocess.run(sys.argv[1:])',
    'sys.stderr.write("PEAK_RSS_KB %d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)',
    'sys.exit(r.returncode)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', wrapper, ...argv], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const m = /PEAK_RSS_KB (\d+)/.exec(r.stderr ?? '');
  return {
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    status: r.status,
    peakRssMiB: m ? Number(m[1]) / 1024 : NaN,
  };
}

/** The last line of `out` that parses as a JSON object. */
export function lastJson<T>(out: string, what: string): T {
  const line = out
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${what}: no JSON line in its output`);
  return JSON.parse(line) as T;
}
