/**
 * What the explorer page is given besides its code (window.LIEDERIV_ASSETS, written by
 * src/explorer/assets.ts into assets.js): bundled models and images as base64 files, so the
 * page needs no fetch and works from file://.
 */
export interface ExplorerAssets {
  models: Array<{ name: string; files: Record<string, string> }>;
  images: Array<{ name: string; data: string }>;
  /** Preselected model and image names (the `explore --model`, `--images` choices). */
  defaults?: { model?: string; image?: string };
}
