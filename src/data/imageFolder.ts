import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InputError } from '../errors';
import { subsetIndices } from './dataset';
import { decodeImage, IMAGE_EXTENSIONS } from './decode';
import { resizeToTensor } from './resize';

export interface ImageFolderOptions {
  /** Output [H, W]. */
  size: [number, number];
  /** Keep at most this many images, drawn by a seeded shuffle of the sorted file list. */
  limit?: number;
  seed?: number;
  /** One subfolder per class (ImageNet-val / Keras layout). Default: true when `dir` has subfolders. */
  classFolders?: boolean;
  /** Crop the centre to the target aspect ratio before resizing (default true). */
  centerCrop?: boolean;
}

export interface ImageFolder {
  images: tf.Tensor4D;
  /** Class index per image (classFolders only). */
  labels?: number[];
  /** Sorted subfolder names (classFolders only). */
  classNames?: string[];
  /** Path of each image, relative to `dir`, in the order of `images`. */
  files: string[];
  /** [height, width] of each file as decoded, before the resize to `size` (so callers can say what was resized). */
  sourceSizes: Array<[number, number]>;
  /** Files (relative to `dir`) with transparent pixels, composited over white (decodeImage): a model trained with alpha dropped sees other pixels. */
  translucent: string[];
}

/**
 * Entries that operating systems and tools leave in folders and that are never the user's images:
 * dot-files and dot-folders (macOS AppleDouble `._x.png` resource forks, `.DS_Store`, Jupyter's
 * `.ipynb_checkpoints`, `.git`), `__MACOSX` (macOS zip archives), Windows' `Thumbs.db`,
 * `desktop.ini`, `$RECYCLE.BIN` and `System Volume Information`. Matched by name, case-insensitively.
 */
export function isIgnoredEntry(name: string): boolean {
  return name.startsWith('.') || IGNORED_NAMES.has(name.toLowerCase());
}
const IGNORED_NAMES = new Set([
  '__macosx',
  'thumbs.db',
  'ehthumbs.db',
  'desktop.ini',
  '$recycle.bin',
  'system volume information',
]);

const isImage = (name: string) =>
  !isIgnoredEntry(name) && (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());

/** Sorted image files directly in `dir` (not in subfolders; ignored entries skipped). */
function imageFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.isDirectory() && isImage(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * Loads every JPEG/PNG under `dir` (flat, or one subfolder per class), so a researcher can point the
 * toolkit at ImageNet-val or their own photos. Dot-files, dot-folders and OS/tool clutter are
 * skipped (isIgnoredEntry), so a folder copied from macOS or Windows or opened in Jupyter loads as is.
 * JPEGs are loaded as displayed (EXIF orientation applied, decodeImage). Greyscale is replicated to RGB, alpha composited over
 * white (decodeImage). No mean/std normalisation here: that belongs to the model's `preprocess`
 * (the model is net ∘ preprocess, DESIGN §2), so colour groups act on [0, 1] RGB.
 *
 * Convention:
 *  - images: [N, H, W, 3] float32 RGB in [0, 1]; files sorted by (class, name) before the subset.
 *  - memory: returns one tensor, owned by the caller; decodes and resizes one file at a time.
 */
export function loadImageFolder(dir: string, opts: ImageFolderOptions): ImageFolder {
  // Notebook users call this from JavaScript too: a missing size would crash inside the resize.
  const size = (opts as Partial<ImageFolderOptions> | undefined)?.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InputError(
      `loadImageFolder('${dir}'): options.size must be [height, width] in pixels (the model's input size, e.g. model.inputSize), got ${JSON.stringify(size)}`,
    );
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new InputError(`image folder '${dir}' does not exist or is not a directory`);
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const subdirs = entries.filter((e) => e.isDirectory() && !isIgnoredEntry(e.name)).map((e) => e.name);
  const classFolders = opts.classFolders ?? subdirs.length > 0;
  let files: string[];
  let fileLabels: number[] | undefined;
  if (classFolders) {
    if (subdirs.length === 0) throw new InputError(`classFolders: true but '${dir}' has no subfolders`);
    files = [];
    fileLabels = [];
    subdirs.forEach((name, label) => {
      for (const f of imageFiles(path.join(dir, name))) {
        files.push(path.join(name, f));
        fileLabels!.push(label);
      }
    });
  } else {
    files = imageFiles(dir);
  }
  if (files.length === 0) {
    // Say what is there instead (other image formats are the usual reason).
    const others = new Map<string, number>();
    const scan = (d: string) =>
      fs
        .readdirSync(d, { withFileTypes: true })
        .forEach(
          (e) =>
            !e.isDirectory() &&
            !isIgnoredEntry(e.name) &&
            others.set(
              path.extname(e.name).toLowerCase() || '(no extension)',
              (others.get(path.extname(e.name).toLowerCase() || '(no extension)') ?? 0) + 1,
            ),
        );
    scan(dir);
    if (classFolders) subdirs.forEach((s) => scan(path.join(dir, s)));
    const found = others.size
      ? `; found ${[...others].map(([ext, n]) => `${n} ${ext}`).join(', ')} file(s): convert them to PNG or JPEG`
      : ' (the folder is empty)';
    throw new InputError(
      `no .jpg/.jpeg/.png files found in '${dir}'${classFolders ? ' (class subfolders)' : ''}${found}`,
    );
  }
  const picked = subsetIndices(files.length, opts.limit, opts.seed ?? 0);
  const decoded = decodeFiles(
    picked.map((i) => path.join(dir, files[i])),
    picked.map((i) => files[i]),
    opts,
  );
  return {
    ...decoded,
    ...(classFolders ? { labels: picked.map((i) => fileLabels![i]), classNames: subdirs } : {}),
  };
}

/**
 * Image files given one by one (`--images a.png --images b.jpg`): decoded and resized as
 * loadImageFolder does; `files` are the paths as given. Errors: InputError for a file that is not
 * .jpg/.jpeg/.png, FileFormatError for one that cannot be read or decoded.
 */
export function loadImageFiles(paths: string[], opts: Pick<ImageFolderOptions, 'size' | 'centerCrop'>): ImageFolder {
  for (const p of paths)
    if (!(IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase()))
      throw new InputError(`'${p}' is not a .jpg/.jpeg/.png image file`);
  return decodeFiles(paths, paths, opts);
}

function decodeFiles(
  paths: string[],
  names: string[],
  opts: Pick<ImageFolderOptions, 'size' | 'centerCrop'>,
): Omit<ImageFolder, 'labels' | 'classNames'> {
  const sourceSizes: Array<[number, number]> = [];
  const translucent: string[] = [];
  const images = tf.tidy(() =>
    tf.stack(
      paths.map((file, i) => {
        let bytes: Uint8Array;
        try {
          bytes = fs.readFileSync(file);
        } catch (err) {
          throw new FileFormatError(file, (err as Error).message);
        }
        const decoded = decodeImage(bytes, file);
        sourceSizes.push([decoded.height, decoded.width]);
        if (decoded.translucent) translucent.push(names[i]);
        return resizeToTensor(decoded, opts.size, { centerCrop: opts.centerCrop ?? true });
      }),
    ),
  ) as tf.Tensor4D;
  return { images, files: names, sourceSizes, translucent };
}
