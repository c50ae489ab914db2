import type { Inventory } from './inventory';
import type { ModelEntry } from './manifest';
import type { ModelResult } from './report';

export async function measureAll(_models: ModelEntry[], _dirs: Map<string, string>, _inv: Map<string, Inventory | Error>): Promise<Map<string, ModelResult>> {
  throw new Error('not yet');
}
