#!/bin/sh
# Retrains the notebook study models (manifest entries with "study"): short runs with ONE recipe for
# every arm — 3 epochs, cosine schedule, dropout 0.3, batch 32, Adam 1e-3 — so that a comparison
# differs only in what it studies. augmentation-seeds: plain vs --augment translate,rotate, seeds
# 1-3 (notebook 05); model-size: the ReLU CNN at 1/4 and 1/2 width, seeds 1-3 (notebook 03; full width
# is the plain arm of augmentation-seeds). Run from the repository root after `npm run build`; each line is independent.
# On the shared 2-core machine a plain run took 13-16 min, an augmented one ~21 min, a narrow one ~5 min
# (2026-12-02, load 8-17: quarter width 26-28 s CPU / 1-2 min wall, half width 39-41 s CPU / 3-4 min wall).
set -e
for s in 1 2 3; do
  node bin/liederiv.js train --model cnn-relu --dataset mnist --epochs 3 --seed $s --out datasets/models --name cnn-relu-mnist-e3-s$s --lr-schedule cosine --dropout 0.3 --study augmentation-seeds
  node bin/liederiv.js train --model cnn-relu --dataset mnist --epochs 3 --augment translate,rotate --seed $s --out datasets/models --name cnn-relu-mnist-translate-rotate-e3-s$s --lr-schedule cosine --dropout 0.3 --study augmentation-seeds
done
for w in quarter half; do
  for s in 1 2 3; do
    node bin/liederiv.js train --model cnn-relu-$w --dataset mnist --epochs 3 --seed $s --out datasets/models --name cnn-relu-$w-mnist-e3-s$s --lr-schedule cosine --dropout 0.3 --study model-size
  done
done
