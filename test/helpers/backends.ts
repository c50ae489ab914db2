import { useBackend } from '../../src/backend';

/** The backends every numerical test runs on: cpu and wasm always (both ship with npm install). */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

/** Switches to `name` quietly; tests call this in `before`. */
export async function setTestBackend(name: (typeof TEST_BACKENDS)[number] = 'cpu'): Promise<void> {
  await useBackend(name);
}
