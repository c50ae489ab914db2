import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkOwnModel, htmlText } from './outputChecks';

// Lines as notebook 08 prints them (shortened where the check does not look).
const GOOD = [
  'contract nsfwjs-mobilenet_v2: layout NHWC (detected: input shape [?, 224, 224, 3]); range 0..1 (default (assumed: say inputRange / --input-range if the model expects 0..255 or -1..1)); output probs, softmax model; measures net (its softmax) on 224×224 RGB',
  'contract nsfwjs-mobilenet_v2_mid: layout NHWC (detected: input shape [?, 224, 224, 3]); range 0..1 (default (assumed: say inputRange / --input-range if the model expects 0..255 or -1..1)); output probs, softmax model; measures net (its softmax) on 224×224 RGB',
  'contract graph-nchw: layout NCHW (detected: input shape [?, 3, 28, 28] has the channels second); range 0..1 (default (assumed: say inputRange / --input-range if the model expects 0..255 or -1..1)); output probs, softmax model; measures net (its softmax) ∘ NCHW on 28×28 RGB',
  'keras3 vs zoo: max relative |ΔLEE| = 0.00e+0 over 64 digits × 3 groups (same weights, two file dialects)',
  "1. no output named → refused: InputError: model 'blazeface-front' has 4 outputs (Identity:0); say which one to measure with output: NAME (--output NAME)",
  '2. output named, range guessed → contract blazeface-front: layout NHWC (detected: input shape [1, 128, 128, 3]); range 0..1 (default (assumed: say inputRange / --input-range if the model expects 0..255 or -1..1)); output tensor, softmax none; measures net[x]',
  '3. option inputRange \'-1..1\' → contract blazeface-front: layout NHWC (detected: input shape [1, 128, 128, 3]); range -1..1 (option); output tensor, softmax none; measures net[x] ∘ (2x−1)',
  '4. liederiv.json {inputRange, output} beside the model → contract blazeface-front: layout NHWC (detected: input shape [1, 128, 128, 3]); range -1..1 (sidecar); output tensor, softmax none; measures net[x] ∘ (2x−1)',
  "5. a typo in the sidecar → refused: FileFormatError: /tmp/x/liederiv.json: unknown field(s) input_range; the sidecar's fields are name, inputSize",
  '6. a range liederiv does not know → refused: FileFormatError: /tmp/y/liederiv.json: inputRange must be one of 0..1, 0..255, -1..1, got "-1..+1"',
  "7. channels-first model read as NHWC → refused: InputError: model 'graph-nchw' takes 28 channels (input shape [?, 3, 28, 28], read as NHWC (layout nhwc from the option --layout)); expected 1 (grey) or 3 (RGB) channels, the models liederiv measures. The shape has 3 channels second: use layout auto (--layout auto, or remove 'layout' from liederiv.json)",
  "8. a tensor name that does not exist → refused: UnknownNameError: unknown graph tensor 'conv2d_17'",
  '9. the NCHW graph with a sidecar saying -1..1 → contract graph-nchw: layout NCHW (detected: input shape [?, 3, 28, 28] has the channels second); range -1..1 (sidecar); output probs, softmax model; measures net (its softmax) ∘ NCHW ∘ (2x−1) on 28×28 RGB',
  'telescoping MobileNetV2 1.0 (Keras 2, 128 px): 163 steps, measures m; max ‖Σ C_i − L f‖/‖L f‖ = 4.67e-6; max |Σ shares − ‖L f‖|/‖L f‖ = 1.20e-7; ‖L f‖ vs lee (l2) = 3.10e-6 (60 s)',
  'telescoping BlazeFace front (graph, 128 px): 59 steps, measures m; max ‖Σ C_i − L f‖/‖L f‖ = 5.28e-7; max |Σ shares − ‖L f‖|/‖L f‖ = 1.00e-7; ‖L f‖ vs lee (l2) = 2.00e-7 (20 s)',
  'telescoping PoseNet MobileNetV1 (graph, 385 px): 29 steps, measures m; max ‖Σ C_i − L f‖/‖L f‖ = 1.38e-6; max |Σ shares − ‖L f‖|/‖L f‖ = 1.00e-7; ‖L f‖ vs lee (l2) = 2.00e-7 (50 s)',
  "The paper's claims at this scale:",
].join('\n');

describe('notebook 08 output checks', () => {
  it('accept the output of a right run', () => {
    assert.deepEqual(checkOwnModel(GOOD), []);
  });

  it('fail when the telescoping sum misses L f, or a backbone is missing', () => {
    const off = GOOD.replace('max |Σ shares − ‖L f‖|/‖L f‖ = 1.20e-7', 'max |Σ shares − ‖L f‖|/‖L f‖ = 3.00e-3');
    assert.match(checkOwnModel(off).join('\n'), /MobileNetV2.*Σ shares vs ‖L f‖ = 3\.00e-3/);
    const nan = GOOD.replace('‖L f‖ vs lee (l2) = 2.00e-7 (20 s)', '‖L f‖ vs lee (l2) = NaN (20 s)');
    assert.match(checkOwnModel(nan).join('\n'), /BlazeFace.*‖L f‖ vs lee = NaN/);
    const two = GOOD.split('\n').filter((l) => !l.startsWith('telescoping PoseNet')).join('\n');
    assert.match(checkOwnModel(two).join('\n'), /expected 3 'telescoping' lines/);
  });

  it('fail when the GraphModel contract does not say NCHW, or the sidecar range was ignored', () => {
    const nhwc = GOOD.replace('contract graph-nchw: layout NCHW', 'contract graph-nchw: layout NHWC');
    assert.match(checkOwnModel(nhwc).join('\n'), /graph-nchw: layout NHWC/);
    const ignored = GOOD.replace('contract graph-nchw: layout NCHW (detected: input shape [?, 3, 28, 28] has the channels second); range -1..1 (sidecar)', 'contract graph-nchw: layout NCHW (detected: input shape [?, 3, 28, 28] has the channels second); range 0..1 (default)');
    assert.match(checkOwnModel(ignored).join('\n'), /with its sidecar: range 0\.\.1/);
    const blaze = GOOD.replace('range -1..1 (option)', 'range 0..1 (option)');
    assert.match(checkOwnModel(blaze).join('\n'), /BlazeFace ranges/);
  });

  it('fail when the Keras 3 file measures something else, or a wrong choice is not refused', () => {
    assert.match(checkOwnModel(GOOD.replace('|ΔLEE| = 0.00e+0', '|ΔLEE| = 2.50e-1')).join('\n'), /Keras 3 file and zoo model differ/);
    const accepted = GOOD.replace(/5\. a typo in the sidecar → refused: .*/, '5. a typo in the sidecar → refused: (not refused)');
    assert.match(checkOwnModel(accepted).join('\n'), /sidecar typo/);
  });

  it('reads text out of nbconvert HTML', () => {
    assert.equal(htmlText('<div class="o"><pre>a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39; &#34;f&#34; &#x2016;</pre><script>x</script></div>'), `a < b && c > "d" 'e' "f" ‖`);
  });
});
