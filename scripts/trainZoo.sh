#!/bin/sh
# Retrains every committed zoo model under datasets/models/ (see datasets/README.md and
# datasets/models/manifest.json, which records each model's exact command, time and accuracy).
# Run from the repository root after `npm run build`. Sequential, single-threaded wasm; each
# command is independent and can be rerun alone. Epoch counts were chosen to fit a 2-core machine.
set -e
T="node bin/liederiv.js train --out datasets/models"
$T --model cnn-relu --dataset mnist --epochs 6 --seed 1 --checkpoints
$T --model mlp --dataset mnist --epochs 8 --seed 1
$T --model cnn-relu --dataset colored-mnist-random-hue --epochs 3 --seed 1
$T --model cnn-relu --dataset colored-mnist-label-hue --epochs 3 --seed 1
$T --model cnn-relu --dataset mnist --epochs 5 --seed 1 --augment translate,rotate
$T --model cnn-blurpool --dataset mnist --epochs 4 --seed 1
$T --model vit-tiny --dataset mnist --epochs 3 --seed 1
$T --model resnet-small --dataset mnist --epochs 2 --seed 1
$T --model cnn-gelu --dataset mnist --epochs 3 --seed 1
$T --model cnn-swish --dataset mnist --epochs 3 --seed 1
$T --model mixer-tiny --dataset mnist --epochs 3 --seed 1
