import type { Table } from './table';

/**
 * The part of a danfo DataFrame the display layer reads. danfo is required lazily (it takes
 * ~3 s, DESIGN §9) and only by toDataFrame; recognising a DataFrame needs no import.
 */
export interface DataFrameLike {
  columns: string[];
  values: unknown[][];
  shape: number[];
  index?: unknown[];
}

/** Duck-typed test for a danfo DataFrame (columns, row-major values, 2-D shape). */
export function isDataFrame(x: unknown): x is DataFrameLike {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    Array.isArray(o.columns) && Array.isArray(o.values) && Array.isArray(o.shape) && (o.shape as unknown[]).length === 2
  );
}

/** A DataFrame's columns and values; a non-default index (not 0..n−1) becomes a first column. */
export function dataFrameToTable(df: DataFrameLike): Table {
  const index = df.index ?? [];
  const defaultIndex = index.every((v, i) => v === i);
  if (defaultIndex) return { columns: [...df.columns], values: df.values.map((r) => [...r]) };
  return { columns: ['', ...df.columns], values: df.values.map((r, i) => [index[i], ...r]) };
}

/**
 * Rows → danfo DataFrame (danfojs-node, loaded on first use). The result is danfo's own
 * DataFrame, typed loosely so that importing this module never pulls in danfo's types.
 */
// Notebook cells call danfo's methods on the result (df.head(), df.plot …); its own types would load danfo here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export function toDataFrame(rows: readonly object[]): DataFrameLike & Record<string, any> {
  const dfd = require('danfojs-node');
  return new dfd.DataFrame(rows.map((r) => ({ ...r })));
}
