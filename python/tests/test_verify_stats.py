"""nnport.verify: per-output tolerances and error statistics, as `nnport verify --atol OUT:A`.

The expected output is the target's own output plus a known perturbation, so
numpy computes the statistics independently from the same float32 arrays:
np.quantile's default (linear) method is the documented definition.
"""
import json

import numpy as np
import pytest

import nnport
from conftest import model, run_cli


@pytest.fixture()
def perturbed(tiny_mlp_work, tmp_path):
    """(inputs, expected dir, own output, expected output): expected = own + steps."""
    _, inputs, _ = model('tiny_mlp')
    own = nnport.load_work_dir(tiny_mlp_work).forward(inputs)['output']
    steps = (np.arange(own.size, dtype=np.float32) * 0.125).reshape(own.shape)
    ref = (own + steps).astype(np.float32)
    np.save(tmp_path / 'output.npy', ref)
    np.save(tmp_path / 'input.npy', inputs['input'])
    return inputs, tmp_path, own, ref


def test_statistics_match_numpy(tiny_mlp_work, perturbed):
    inputs, expected, own, ref = perturbed
    r = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs, quantile=0.9)
    out = r['outputs'][0]
    err = np.abs(own.astype(np.float64) - ref.astype(np.float64))
    rel = err / np.maximum(np.abs(ref.astype(np.float64)), np.finfo(np.float32).tiny)
    for key, values in (('abs_err', err), ('rel_err', rel)):
        assert out[key]['max'] == pytest.approx(values.max(), rel=1e-12)
        assert out[key]['mean'] == pytest.approx(values.mean(), rel=1e-12)
        assert out[key]['median'] == pytest.approx(np.median(values), rel=1e-12, abs=1e-15)
        assert out[key]['quantile'] == pytest.approx(np.quantile(values, 0.9), rel=1e-12)
    worst = int(np.argmax(err))
    assert out['worst']['index'] == worst
    assert out['worst']['position'] == tuple(int(i) for i in np.unravel_index(worst, own.shape))
    assert out['worst']['value'] == float(own.flat[worst])
    assert out['worst']['reference'] == float(ref.flat[worst])
    assert r['quantile'] == 0.9

    # The CLI says the same.
    cli = json.loads(run_cli('verify', tiny_mlp_work, '--input', expected / 'input.npy',
                             '--expected', expected, '--quantile', '0.9', '--json',
                             check=False).stdout)['outputs'][0]
    assert cli['abs_err'] == pytest.approx(out['abs_err'], rel=1e-12)
    assert cli['worst']['position'] == list(out['worst']['position'])


def test_per_output_tolerances(tiny_mlp_work, perturbed):
    inputs, expected, own, ref = perturbed
    big = float(np.abs(own - ref).max()) + 1
    assert nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs)['pass'] is False
    mine = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs, atol={'output': big})
    assert mine['pass'] is True
    assert mine['outputs'][0]['atol'] == big and mine['atol'] == 1e-5
    default = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs, atol={'': big})
    assert default['pass'] is True and default['atol'] == big
    # rtol of 0 for the output beats a generous default.
    strict = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs,
                           atol={'': big, 'output': 0}, rtol=0)
    assert strict['pass'] is False and strict['outputs'][0]['atol'] == 0


@pytest.mark.parametrize('kwargs, words', [
    ({'atol': {'outptu': 1}}, "atol for unknown output 'outptu' (did you mean 'output'?)"),
    ({'rtol': {'output': -1}}, "rtol['output'] must be a finite number >= 0"),
    ({'atol': 'big'}, 'atol must be a number >= 0, not str'),
    ({'quantile': 1.5}, 'quantile must be in [0, 1]'),
])
def test_bad_tolerances_are_value_errors(tiny_mlp_work, kwargs, words):
    with pytest.raises(ValueError) as e:
        nnport.verify(tiny_mlp_work, reference='onnxruntime', **kwargs)
    assert words in str(e.value)
