/**
 * The one place that talks to the tslab kernel. `tslab.display.*` sends one mime type per
 * output (DESIGN §9), so we call the function it wraps: `lastWriteDisplayData` in tslab's
 * `dist/jupyter.js`, which sends a whole display_data (or update_display_data) message.
 */

/** Mime type → payload; JSON mime types (Plotly) carry objects, the others strings (base64 for images). */
export type MimeBundle = Record<string, unknown>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
type WriteDisplayData = (message: DisplayMessage, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The kernel's writer, or null outside a tslab kernel. tslab's executor sets `globalThis.__tslab__`
 * before it runs a cell; the kernel loaded `dist/jupyter.js`, whichever tslab install runs it, so we
 * look it up in the module cache rather than requiring a second copy. Plain Node never loads tslab.
 */
function kernelWriter(): WriteDisplayData | null {
  if (!(globalThis as Record<string, unknown>).__tslab__) return null;
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!JUPYTER_MODULE.test(file)) continue;
    const write = mod?.exports?.lastWriteDisplayData;
    if (typeof write === 'function') return write as WriteDisplayData;
  }
  return null;
}

/** True inside a tslab kernel that can receive display data. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/**
 * Sends one display_data message with every mime type of `bundle`; with `update`, replaces the
 * output that was sent with the same `displayId` (update_display_data). Returns false outside a kernel.
 */
export function sendBundle(
  bundle: MimeBundle,
  { displayId, update = false }: { displayId?: string; update?: boolean } = {},
): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data: bundle, metadata: {}, ...(displayId ? { transient: { display_id: displayId } } : {}) }, update);
  return true;
}
