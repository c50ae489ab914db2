import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tSlider } from '../../src/figures/tSlider';
import { matchSnapshot } from '../figures/snapshot';
import { TOL } from '../helpers/tolerances';

// hand-checked: a 1×2 grey image, t ∈ {−1, 0, 1}, f = 0.2, 0.5, 0.9, slope 0.35.
const view = {
  group: 'translate-x',
  unit: 'pixels',
  ts: [-1, 0, 1],
  frames: [
    [0, 1],
    [0.5, 0.5],
    [1, 0],
  ],
  f: [0.2, 0.5, 0.9],
  slope: 0.35,
};

describe('tSlider', () => {
  it('has one frame per t, starts at t = 0, and its tangent line touches f at t = 0 with slope L f', () => {
    const fig = tSlider(view, { height: 1, width: 2, channels: 1, component: 'p(7)', model: 'm' });
    assert.equal(fig.frames!.length, 3);
    const slider = (fig.layout.sliders as Array<{ active: number; steps: unknown[] }>)[0];
    assert.equal(slider.active, 1);
    assert.equal(slider.steps.length, 3);
    assert.deepEqual(fig.data[0].z, [
      [
        [128, 128, 128],
        [128, 128, 128],
      ],
    ]);
    assert.deepEqual((fig.frames![2].data as Array<{ z?: unknown }>)[0].z, [
      [
        [255, 255, 255],
        [0, 0, 0],
      ],
    ]);
    const lineX = fig.data[2].x as number[];
    const lineY = fig.data[2].y as number[];
    assert.deepEqual(lineX, [-1, 1]);
    assert.ok(
      Math.abs(lineY[0] - (0.5 - 0.35)) < TOL.float64ClosedForm &&
        Math.abs(lineY[1] - (0.5 + 0.35)) < TOL.float64ClosedForm,
    );
    matchSnapshot('tSlider', fig);
  });

  it('escapes the model and component names (user data) for Plotly', () => {
    const fig = tSlider(view, {
      height: 1,
      width: 2,
      channels: 1,
      component: '<b>x</b>',
      model: '<a href="javascript:alert(1)">m</a>',
    });
    const text = JSON.stringify(fig.layout.title);
    assert.ok(!text.includes('<a') && !text.includes('<b>'), text);
    assert.match(text, /&lt;a href/);
  });

  it('refuses mismatched lengths, a missing t = 0 and wrong frame sizes', () => {
    assert.throws(() => tSlider({ ...view, f: [1, 2] }, { height: 1, width: 2, channels: 1, component: 'p' }), {
      name: 'InputError',
      message: /as many frames/,
    });
    assert.throws(() => tSlider({ ...view, ts: [-1, 0.5, 1] }, { height: 1, width: 2, channels: 1, component: 'p' }), {
      name: 'InputError',
      message: /t = 0/,
    });
    assert.throws(() => tSlider(view, { height: 2, width: 2, channels: 1, component: 'p' }), {
      name: 'InputError',
      message: /frame 0 has 2 values/,
    });
  });
});
