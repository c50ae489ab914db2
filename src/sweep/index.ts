// Sweeps: models × groups × image sets, run as shards by local worker processes or a Slurm job array.
export {
  planSweep,
  readSpec,
  checkSpec,
  taskAt,
  DEFAULT_SHARD_SIZE,
  DEFAULT_SWEEP_BACKEND,
  type SweepSpec,
  type SweepPlan,
  type SweepTask,
  type SweepModel,
  type SweepImageSet,
  type SweepMeasure,
  type SlurmSpec,
} from './spec';
export { runTask, shardIdentity, clearTaskCache, type TaskResult } from './task';
export { attemptTask, recordCancellation } from './attempt';
export { runLocal, freeCores, type LocalProgress, type LocalRunSummary } from './local';
export {
  submitSlurm,
  slurmStatus,
  sbatchScript,
  arrayRanges,
  parseSqueue,
  parseSacct,
  queuedTasks,
  SlurmError,
  type SlurmStatus,
} from './slurm';
export { mergeSweep, mergedCsv, writeMerge, MERGED_COLUMNS, type MergedRow, type MergeMeta } from './merge';
export { taskState, readShard, type SweepRow, type Shard, type TaskError, type TaskState } from './shards';
export { writeSweepReport, readMergedSweep, sweepSections } from './report';
