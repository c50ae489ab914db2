import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireOption, UsageError, type Command } from '../command';
import { loadImageFiles, loadImageFolder } from '../../data/imageFolder';
import { backendChoice } from '../options';
import { writeTangentPreview } from '../tangentPreview';
import { resizeWarning, unitsLine } from '../traceable';
import { useBackend } from '../../backend';
import { IMAGE_EXTENSIONS } from '../../data/decode';
import { loadImagesNpy, writeNpy } from '../../data/npy';
import { UnknownNameError, checkName } from '../../errors';
import { DIFFERENCES, getGroup, GROUP_NAMES, imageTangent, type Difference } from '../../groups';

const USAGE = `liederiv tangent --images <file.npy | image folder | image file> --group <name> --out <file.npy> [--size HxW] [--preview FILE.png | --no-preview]
    [--difference central|forward|gaussian] [--sigma S] [--backend B]

  --images      .npy float32 (N, H, W, 3) RGB in [0, 1], or uint8 (N, H, W, 3) read as x/255; or a folder
                of JPEG/PNG (flat or class subfolders), all resized to --size; or one PNG/JPEG file
  --size        HxW for a folder or an image file (default: the (first) file's size; others are centre-cropped and resized,
                and a warning says how many)
  --group       ${GROUP_NAMES.join(', ')}
  --out         where to write the float32 (N, H, W, 3) tangent L x (d/dt per normalized unit of t:
                t = 1 is (W−1)/2 px for translations, 1 radian = 57.3° for rotate and hue)
  --preview     PNG of the first 8 images (top) and their L x (bottom; grey = 0, brighter = the channel
                increases along the group); default <out without .npy>.png; --no-preview writes none
  --difference  central (default), forward (the paper's code) or gaussian
  --sigma       Gaussian standard deviation in pixels, for --difference gaussian (default 1)
  --backend     auto|tensorflow|webgpu|wasm|cpu (default $LIEDERIV_BACKEND or auto)`;

/** `--size HxW` (also H,W). */
function parseSize(spec: string): [number, number] {
  const m = /^(\d+)\s*[x×,]\s*(\d+)$/i.exec(spec.trim());
  if (!m || Number(m[1]) < 2 || Number(m[2]) < 2)
    throw new UsageError(`--size must be HxW with H, W ≥ 2 pixels (e.g. 28x28), got '${spec}'`);
  return [Number(m[1]), Number(m[2])];
}

/** `--images`: a .npy, or an image folder at `size` (default: the first file's decoded size), with a resize warning. */
function loadTangentImages(
  spec: string,
  size: [number, number] | undefined,
  stderr: NodeJS.WritableStream,
): { images: tf.Tensor4D; files?: string[] } {
  if (fs.existsSync(spec) && !fs.statSync(spec).isDirectory()) {
    // One PNG/JPEG file is a one-image set at its own size (or --size); anything else is read as .npy.
    if ((IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(spec).toLowerCase())) {
      const own = loadImageFiles([spec], { size: size ?? [2, 2] });
      if (size) return { images: own.images, files: own.files };
      own.images.dispose();
      const set = loadImageFiles([spec], { size: own.sourceSizes[0] });
      return { images: set.images, files: set.files };
    }
    return { images: loadImagesNpy(spec) };
  }
  if (!fs.existsSync(spec)) return { images: loadImagesNpy(spec) };
  let target = size;
  if (!target) {
    // The first file in the folder's own order sets the size.
    const probe = loadImageFolder(spec, { size: [2, 2], limit: undefined });
    probe.images.dispose();
    target = probe.sourceSizes[0];
  }
  const folder = loadImageFolder(spec, { size: target });
  const warning = resizeWarning(folder.sourceSizes, target, {
    to: size ? '--size' : "the first file's size",
    hint: '--size HxW sets the size',
  });
  if (warning) stderr.write(`liederiv tangent: ${warning}\n`);
  return { images: folder.images, files: folder.files };
}

/** `liederiv tangent`: the image tangent L x of one group for a batch of images (DESIGN §2–3). */
export const tangentCommand: Command = {
  name: 'tangent',
  summary:
    'Write the image tangent L x = d/dt T_t x |_{t=0} of a group for a .npy batch or an image folder, with a PNG preview',
  usage: USAGE,
  options: {
    images: { type: 'string' },
    group: { type: 'string' },
    out: { type: 'string' },
    difference: { type: 'string' },
    sigma: { type: 'string' },
    backend: { type: 'string' },
    size: { type: 'string' },
    preview: { type: 'string' },
    'no-preview': { type: 'boolean' },
  },
  async run(values, io) {
    const imagesPath = requireOption(values, 'images');
    const outPath = requireOption(values, 'out');
    const groupName = requireOption(values, 'group');
    // Names and numbers given on the command line are usage errors (exit 2), listing the valid ones.
    try {
      getGroup(groupName);
    } catch (err) {
      if (err instanceof UnknownNameError) throw new UsageError(`--group: ${err.message}`);
      throw err;
    }
    let difference: Difference;
    try {
      difference = checkName('difference', (values.difference as string | undefined) ?? 'central', DIFFERENCES);
    } catch (err) {
      throw new UsageError(`--difference: ${(err as Error).message}`);
    }
    let sigma: number | undefined;
    if (values.sigma !== undefined) {
      sigma = Number(values.sigma);
      if (!Number.isFinite(sigma) || sigma <= 0)
        throw new UsageError(`--sigma must be a positive number of pixels, got '${String(values.sigma)}'`);
      if (difference !== 'gaussian')
        throw new UsageError(`--sigma only applies to --difference gaussian (got --difference ${difference})`);
    }
    const size = values.size === undefined ? undefined : parseSize(String(values.size));
    if (values['no-preview'] === true && values.preview !== undefined)
      throw new UsageError('--preview and --no-preview exclude each other');
    const previewPath =
      values['no-preview'] === true
        ? undefined
        : typeof values.preview === 'string'
          ? values.preview
          : outPath.replace(/\.npy$/i, '') + '.png';
    await useBackend(backendChoice(values));

    const { images, files } = loadTangentImages(imagesPath, size, io.stderr);
    try {
      const lx = imageTangent(images, groupName, { difference, sigma });
      const data = (await lx.data()) as Float32Array;
      const shape = lx.shape;
      lx.dispose();
      writeNpy(outPath, data, shape);
      io.stderr.write(
        `liederiv tangent: wrote ${outPath}: float32 (${shape.join(', ')}), group ${groupName}, ${difference} differences${difference === 'gaussian' ? ` (σ = ${sigma ?? 1} px)` : ''}, backend ${tf.getBackend()}; ${unitsLine(shape[1], shape[2])}\n`,
      );
      if (files)
        io.stderr.write(
          `liederiv tangent: images in order: ${files.slice(0, 8).join(', ')}${files.length > 8 ? `, … (${files.length})` : ''}\n`,
        );
      if (previewPath) {
        const k = writeTangentPreview(previewPath, (await images.data()) as Float32Array, data, shape);
        io.stderr.write(
          `liederiv tangent: wrote ${previewPath}: the first ${k} images (top) and L x (bottom, grey = 0)\n`,
        );
      }
    } finally {
      images.dispose();
    }
  },
};
