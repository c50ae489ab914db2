import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError } from '../../errors';
import { attemptTask, recordCancellation } from '../../sweep/attempt';
import { freeCores, runLocal, type LocalProgress } from '../../sweep/local';
import { mergeSweep, writeMerge } from '../../sweep/merge';
import { readShard, readTaskError, staleMarker, taskState, type TaskState } from '../../sweep/shards';
import { slurmStatus, submitSlurm, readSubmissions } from '../../sweep/slurm';
import { planSweep, type SweepPlan } from '../../sweep/spec';
import { writeSweepReport } from '../../sweep/report';
import { startSweepBackend } from '../../sweep/task';
import { intOption, UsageError, type CliIO, type Command } from '../command';
import { choice } from '../options';

const USAGE = `liederiv sweep plan|run|task|status|merge SPEC [INDEX] [options]

  plan SPEC                 list the tasks (model × image shard), their state and estimated cost
  run SPEC [--jobs N]       run every unfinished task in N local worker processes (default: free cores)
  run SPEC --executor slurm submit the unfinished tasks as one sbatch job array (--dry-run: print it)
  task SPEC INDEX           run one task (what each Slurm array index runs)
  status SPEC               tasks done / failed / queued (squeue, sacct) / to do
  merge SPEC [--partial]    one table SWEEP/merged.csv + SWEEP/merged.meta.json; refuses an
                            incomplete sweep unless --partial. Then: liederiv report --sweep SWEEP

  SPEC is JSON: {"out": "sweep folder", "models": [zoo names | model.json | globs],
    "groups": [...] | "all", "images": [{"dataset": "mnist", "limit": 64} | ".npy" | "folder"],
    "shardSize": 64, "output", "difference", "reduction", "method", "batch", "backend",
    "options": {passed to lee}, "layerwise": {"group", "images", "options"}, "slurm": {partition, time, mem, account, qos, cpusPerTask,
    concurrency, setup: [shell lines], node, extra: [sbatch options]}}. See environment.md.

  --out DIR        the sweep folder instead of the spec's "out"
  --jobs N         local worker processes (default: free cores)
  --executor       local (default) | slurm
  --dry-run        with --executor slurm: write and print the sbatch script, submit nothing
  --partial        merge what is finished (the metadata lists the missing tasks)`;

const SUBCOMMANDS = ['plan', 'run', 'task', 'status', 'merge'] as const;

const fmtSeconds = (s: number) =>
  s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Seconds per image of each model, from its finished shards (the plan's cost calibration). */
function secondsPerImage(plan: SweepPlan): Map<string, number> {
  const acc = new Map<string, { s: number; n: number }>();
  for (const t of plan.tasks) {
    const shard = taskState(plan, t) === 'done' ? readShard(plan, t) : undefined;
    if (!shard) continue;
    const a = acc.get(t.model.id) ?? { s: 0, n: 0 };
    a.s += shard.meta.seconds;
    a.n += t.end - t.start;
    acc.set(t.model.id, a);
  }
  return new Map([...acc].map(([k, v]) => [k, v.s / v.n]));
}

function planText(plan: SweepPlan): string {
  const G = plan.measure.groups.length;
  const rate = secondsPerImage(plan);
  const weightMb = (json: string) => {
    try {
      const m = JSON.parse(fs.readFileSync(json, 'utf8'));
      const bytes = (m.weightsManifest ?? [])
        .flatMap((g: { paths: string[] }) => g.paths)
        .reduce(
          (a: number, p: string) => a + fs.statSync(path.join(path.dirname(json), decodeURIComponent(p))).size,
          0,
        );
      return (bytes / 1e6).toFixed(2);
    } catch {
      return '?';
    }
  };
  const mb = new Map(plan.models.map((m) => [m.id, weightMb(m.modelJson)]));
  const counts: Record<string, number> = {};
  let passes = 0;
  let estimated = 0;
  let unknown = 0;
  const rows = [['task', 'model', 'weights MB', 'images', 'range', 'passes', 'est.', 'state']];
  for (const t of plan.tasks) {
    const n = t.end - t.start;
    const p = t.kind === 'lee' ? n * (1 + G) : 0; // a layer-wise walk costs about one JVP per layer (not counted)
    passes += p;
    const state = taskState(plan, t);
    counts[state] = (counts[state] ?? 0) + 1;
    const r = rate.get(t.model.id);
    if (r === undefined) unknown++;
    else estimated += r * n;
    rows.push([
      String(t.index),
      t.model.name,
      mb.get(t.model.id)!,
      t.images.id + (t.images.dataset === 'own' ? `(${t.dataset})` : ''),
      `${t.kind === 'layerwise' ? `layerwise ${plan.layerwise!.group} ` : ''}${t.start}-${t.end}`,
      t.kind === 'lee' ? String(p) : '-',
      r === undefined ? '?' : fmtSeconds(r * n),
      state,
    ]);
  }
  const m = plan.measure;
  const head =
    `sweep '${plan.name}' → ${plan.out}\n` +
    `${plan.models.length} models × ${plan.imageSets.length} image sets × ${G} groups (${m.groups.join(', ')}); ${m.reduction} of ${m.output}, ${m.difference}, method ${m.method}, batch ${m.batch}, backend ${m.backend}` +
    `${Object.keys(m.options).length ? `, options ${JSON.stringify(m.options)}` : ''}\n` +
    `${plan.tasks.length} tasks of ≤ ${plan.shardSize} images: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}\n`;
  const cost =
    `cost: ${passes} forward-pass equivalents (images × (1 + groups), DESIGN §4)` +
    (unknown < plan.tasks.length
      ? `; ${fmtSeconds(estimated)} of computation estimated from finished shards${unknown ? ` for ${plan.tasks.length - unknown} tasks (${unknown} of models with no finished shard yet)` : ''}`
      : '; seconds are estimated once a model has a finished shard') +
    '\n';
  return head + table(rows) + cost;
}

function progressLine(p: LocalProgress): string {
  const eta = p.etaSeconds === undefined ? '?' : fmtSeconds(p.etaSeconds);
  return `sweep: ${p.tasksDone}/${p.tasks} tasks${p.tasksFailed ? ` (${p.tasksFailed} failed)` : ''}, ${p.images}/${p.totalImages} images, ${p.imagesPerSecond.toFixed(1)} images/s, ETA ${eta}`;
}

async function runCommand(plan: SweepPlan, values: Record<string, unknown>, io: CliIO): Promise<void> {
  const executor = choice(values, 'executor', ['local', 'slurm'] as const, 'local');
  if (executor === 'slurm') {
    if (values.jobs !== undefined)
      throw new UsageError(
        '--jobs is for the local executor; with --executor slurm set "slurm": {"concurrency": N} in the spec',
      );
    const r = submitSlurm(plan, { dryRun: values['dry-run'] === true });
    if (r.script !== undefined) {
      io.stdout.write(r.script);
      return;
    }
    if (!r.submission) {
      io.stderr.write(`sweep: nothing to submit: ${r.reason}\n`);
      return;
    }
    io.stderr.write(
      `sweep: submitted job array ${r.submission.jobId} (${r.submission.indices.length} tasks; ${r.done} already done, ${r.queued} still queued) from ${r.submission.script}; follow it with: liederiv sweep status ${plan.specFile}\n`,
    );
    io.stdout.write(r.submission.jobId + '\n');
    return;
  }
  if (values['dry-run'] !== undefined) throw new UsageError('--dry-run is for --executor slurm');
  const jobs = intOption(values, 'jobs', freeCores());
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
  let lastTasks = -1;
  const summary = await runLocal(plan, {
    jobs,
    onProgress: (p) => {
      // One line: redrawn in place on a terminal, else written when a task finishes.
      if (tty) io.stderr.write(`\r${progressLine(p)}\x1b[K`);
      else if (p.tasksDone + p.tasksFailed !== lastTasks) io.stderr.write(progressLine(p) + '\n');
      lastTasks = p.tasksDone + p.tasksFailed;
    },
    onEvent: (line) => io.stderr.write(`${tty ? '\n' : ''}sweep: ${line}\n`),
  });
  if (tty) io.stderr.write('\n');
  const done = summary.done.length;
  const resumed = summary.done.filter((d) => d.resumedBatches > 0).length;
  io.stderr.write(
    `sweep: ${done} tasks done${resumed ? ` (${resumed} resumed from partial shards)` : ''}, ${summary.skipped} already done, ${summary.failed.length} failed, ${summary.jobs} workers, ${fmtSeconds(summary.seconds)}\n`,
  );
  if (summary.failed.length) {
    const list = summary.failed
      .slice(0, 5)
      .map((f) => `  task ${f.index} ${f.key}: ${f.message.split('\n')[0]}`)
      .join('\n');
    throw new LiederivError(
      `${summary.failed.length} of ${plan.tasks.length} tasks failed (errors in ${path.join(plan.out, 'errors')}):\n${list}${summary.failed.length > 5 ? '\n  …' : ''}\nrun 'liederiv sweep run ${plan.specFile}' again to retry them; finished shards are kept`,
      'E_SWEEP',
    );
  }
}

async function taskCommand(plan: SweepPlan, indexText: string | undefined, io: CliIO): Promise<void> {
  if (indexText === undefined || !/^\d+$/.test(indexText))
    throw new UsageError(
      `sweep task needs a task index 0..${plan.tasks.length - 1}, got ${indexText === undefined ? 'none' : `'${indexText}'`}`,
    );
  const index = Number(indexText);
  const stop = recordCancellation(plan, () => index);
  try {
    const r = await attemptTask(plan, index);
    io.stderr.write(
      `sweep: task ${index} ${r.key}: ${r.status === 'skipped' ? 'already done' : `${r.images} images in ${r.seconds.toFixed(1)} s${r.resumedBatches ? ` (resumed after ${r.resumedBatches} batches)` : ''}`}\n`,
    );
  } finally {
    stop();
  }
}

/** taskState, with 'running' markers of processes on this host that no longer exist read as 'lost'. */
function stateHere(plan: SweepPlan, t: SweepPlan['tasks'][number]): TaskState | 'lost' {
  const s = taskState(plan, t);
  return s === 'running' && staleMarker(plan, t) ? 'lost' : s;
}

function statusCommand(plan: SweepPlan, io: CliIO): void {
  const slurm = readSubmissions(plan).length > 0;
  const st = slurm ? slurmStatus(plan) : undefined;
  type Row = { index: number; key: string; state: TaskState | 'lost'; slurm?: string; jobId?: string; error?: string };
  const tasks: Row[] =
    st?.tasks ??
    plan.tasks.map((t) => ({
      index: t.index,
      key: t.key,
      state: stateHere(plan, t),
      error: readTaskError(plan, t)?.message.split('\n')[0],
    }));
  const counts = new Map<string, number>();
  for (const t of tasks) {
    const k = t.state === 'done' ? 'done' : t.slurm ? t.slurm.toLowerCase() : t.state;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const ORDER = ['done', 'running', 'pending', 'partial', 'failed', 'todo'];
  const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
  const summary = [...counts].sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : 1));
  io.stdout.write(
    `sweep '${plan.name}' (${plan.out}): ${summary.map(([k, v]) => `${v} ${k}`).join(', ')} of ${plan.tasks.length} tasks\n`,
  );
  if (st)
    io.stdout.write(
      `slurm: ${st.submissions.length} submission${st.submissions.length === 1 ? '' : 's'} (job ${st.submissions.map((s) => s.jobId).join(', ')})${st.sacctNote ? `; ${st.sacctNote}` : ''}\n`,
    );
  const open = tasks.filter((t) => t.state !== 'done');
  if (open.length) {
    const head = slurm ? ['task', 'key', 'state', 'slurm', 'job', 'error'] : ['task', 'key', 'state', 'error'];
    io.stdout.write(
      table([
        head,
        ...open.map((t) => [
          String(t.index),
          t.key,
          t.state,
          ...(slurm ? [t.slurm ?? '', t.jobId ?? ''] : []),
          t.error ?? '',
        ]),
      ]),
    );
    io.stdout.write(
      `rerun 'liederiv sweep run ${plan.specFile}${slurm ? ' --executor slurm' : ''}' to ${slurm ? 'resubmit' : 'run'} the unfinished tasks not in the queue\n`,
    );
  }
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'Models × groups × image sets as sharded tasks: local worker processes or a Slurm job array; merge',
  usage: USAGE,
  positionals: true,
  options: {
    out: { type: 'string' },
    jobs: { type: 'string' },
    executor: { type: 'string' },
    'dry-run': { type: 'boolean' },
    partial: { type: 'boolean' },
  },
  async run(values, io, positionals) {
    const [sub, spec, ...rest] = positionals;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub))
      throw new UsageError(`expected one of ${SUBCOMMANDS.join(', ')}, got ${sub ? `'${sub}'` : 'nothing'}`);
    if (!spec) throw new UsageError(`sweep ${sub} needs the spec file (JSON)`);
    if (rest.length > (sub === 'task' ? 1 : 0))
      throw new UsageError(`unexpected argument${rest.length > 1 ? 's' : ''} ${rest.map((r) => `'${r}'`).join(' ')}`);
    if (values.partial !== undefined && sub !== 'merge') throw new UsageError('--partial is for sweep merge');
    const out = typeof values.out === 'string' && values.out !== '' ? values.out : undefined;
    await startSweepBackend(spec); // planning may load a dataset to count its images
    const plan = planSweep(spec, { out });
    switch (sub) {
      case 'plan':
        io.stdout.write(planText(plan));
        return;
      case 'run':
        return runCommand(plan, values, io);
      case 'task':
        return taskCommand(plan, rest[0], io);
      case 'status':
        return statusCommand(plan, io);
      case 'merge': {
        const result = mergeSweep(plan, { partial: values.partial === true });
        const files = writeMerge(result, plan.out);
        io.stderr.write(
          `sweep: merged ${result.meta.merged} of ${result.meta.tasks} tasks (${result.rows.length} rows${files.layers ? `, ${result.layers.length} layer rows in ${files.layers}` : ''}) into ${files.csv} and ${files.meta}${result.meta.complete ? '' : ` — partial: ${result.meta.missing.length} tasks missing`}; figures: liederiv report --sweep ${plan.out}\n`,
        );
        return;
      }
    }
  },
};

/** `liederiv report --sweep DIR [--out DIR2]`: the merged sweep's figures (src/sweep/report.ts). */
export async function sweepReportCommand(values: Record<string, unknown>, io: CliIO): Promise<void> {
  const dir = typeof values.sweep === 'string' && values.sweep !== '' ? values.sweep : undefined;
  if (!dir)
    throw new UsageError('--sweep needs the sweep folder (the "out" of the spec, merged with liederiv sweep merge)');
  const others = ['images', 'groups', 'models', 'layerwise-images', 'layerwise-group', 'models-dir'].filter(
    (k) => values[k] !== undefined,
  );
  if (others.length)
    throw new UsageError(
      `--sweep draws a merged sweep as it is; ${others.map((k) => `--${k}`).join(', ')} belong${others.length === 1 ? 's' : ''} in the sweep spec`,
    );
  const out = typeof values.out === 'string' && values.out !== '' ? path.join(values.out, 'report.html') : undefined;
  const written = writeSweepReport(dir, out);
  io.stderr.write(
    `report: wrote ${written.path} (${written.figures} figures, ${written.tables} tables, ${(written.bytes / 1e6).toFixed(1)} MB) from ${dir}\n`,
  );
}
