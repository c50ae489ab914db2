import * as tf from '@tensorflow/tfjs';
import { requireOption, UsageError, type Command } from '../command';
import { useBackend } from '../../backend';
import { loadImagesNpy, writeNpy } from '../../data/npy';
import { UnknownNameError, checkName } from '../../errors';
import { DIFFERENCES, getGroup, GROUP_NAMES, imageTangent, type Difference } from '../../groups';

const USAGE = `liederiv tangent --images <file.npy> --group <name> --out <file.npy> [--difference central|forward|gaussian] [--sigma S] [--backend B]

  --images      .npy float32 (N, H, W, 3) RGB in [0, 1], or uint8 (N, H, W, 3) read as x/255
  --group       ${GROUP_NAMES.join(', ')}
  --out         where to write the float32 (N, H, W, 3) tangent L x (d/dt per normalized unit of t)
  --difference  central (default), forward (the paper's code) or gaussian
  --sigma       Gaussian standard deviation in pixels, for --difference gaussian (default 1)
  --backend     auto|tensorflow|webgpu|wasm|cpu (default $LIEDERIV_BACKEND or auto)`;

/** `liederiv tangent`: the image tangent L x of one group for a batch of images (DESIGN §2–3). */
export const tangentCommand: Command = {
  name: 'tangent',
  summary: 'Write the image tangent L x = d/dt T_t x |_{t=0} of a group for a .npy image batch',
  usage: USAGE,
  options: {
    images: { type: 'string' },
    group: { type: 'string' },
    out: { type: 'string' },
    difference: { type: 'string' },
    sigma: { type: 'string' },
    backend: { type: 'string' },
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
      if (!Number.isFinite(sigma) || sigma <= 0) throw new UsageError(`--sigma must be a positive number of pixels, got '${String(values.sigma)}'`);
      if (difference !== 'gaussian') throw new UsageError(`--sigma only applies to --difference gaussian (got --difference ${difference})`);
    }
    await useBackend((values.backend as string | undefined) ?? process.env.LIEDERIV_BACKEND ?? 'auto');

    const images = loadImagesNpy(imagesPath);
    try {
      const lx = imageTangent(images, groupName, { difference, sigma });
      const data = (await lx.data()) as Float32Array;
      const shape = lx.shape;
      lx.dispose();
      writeNpy(outPath, data, shape);
      io.stderr.write(`liederiv tangent: wrote ${outPath}: float32 (${shape.join(', ')}), group ${groupName}, ${difference} differences${difference === 'gaussian' ? ` (σ = ${sigma ?? 1} px)` : ''}, backend ${tf.getBackend()}\n`);
    } finally {
      images.dispose();
    }
  },
};
