"""nnport.verify(metrics=...): accuracy goals for lower precision, as `nnport verify --metric`.

The saved "expected" outputs are the target's own output scaled by 2, so the
metrics are known by hand: cosine 1; noise sum(out^2) against a signal of
4 * sum(out^2): SNR 10*log10(4) = 6.0206 dB; the same argmax: top-1 agreement 1.
"""
import json
import math

import numpy as np
import pytest

import nnport
from conftest import MODELS, model, run_cli

SNR_OF_DOUBLE = 10 * math.log10(4)


@pytest.fixture()
def doubled(tiny_mlp_work, tmp_path):
    """(inputs, folder holding output.npy = 2 * the target's own output)."""
    _, inputs, _ = model('tiny_mlp')
    own = nnport.load_work_dir(tiny_mlp_work).forward(inputs)['output']
    np.save(tmp_path / 'output.npy', (2 * own).astype(np.float32))
    return inputs, tmp_path


def test_goals_decide_the_verdict(tiny_mlp_work, doubled):
    inputs, expected = doubled
    plain = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs)
    assert plain['pass'] is False  # 2 * out is far from out by allclose
    assert 'goals' not in plain and 'metrics' not in plain['outputs'][0]
    # cosine and SNR are measured anyway.
    assert plain['outputs'][0]['cosine'] == pytest.approx(1, abs=1e-12)
    assert plain['outputs'][0]['snr_db'] == pytest.approx(SNR_OF_DOUBLE, abs=1e-6)

    good = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs,
                         metrics=['cosine', {'metric': 'topk', 'k': 1}])
    assert good['pass'] is True, good['outputs']
    assert [g['min'] for g in good['goals']] == [0.99, 0.98]  # the CLI's defaults
    assert good['outputs'][0]['mismatches'] > 0  # allclose still measured


def test_failed_goal_says_by_how_much_and_matches_the_cli(tiny_mlp_work, doubled):
    inputs, expected = doubled
    goals = [{'metric': 'snr', 'min': 20}, {'metric': 'topk', 'k': 2, 'min': 0.5}]
    r = nnport.verify(tiny_mlp_work, expected=expected, inputs=inputs, metrics=goals)
    assert r['pass'] is False
    snr, top2 = r['outputs'][0]['metrics']
    assert snr['label'] == 'snr' and snr['pass'] is False
    assert snr['value'] == pytest.approx(SNR_OF_DOUBLE, abs=1e-6)
    assert snr['missed_by'] == pytest.approx(20 - SNR_OF_DOUBLE, abs=1e-6)
    assert top2['label'] == 'top-2' and top2['value'] == 1.0 and top2['missed_by'] is None

    np.save(expected / 'input.npy', inputs['input'])
    cli = json.loads(run_cli('verify', tiny_mlp_work, '--input', 'input=%s' % (expected / 'input.npy'),
                             '--expected', expected, '--metric', 'snr', '--min', '20',
                             '--metric', 'topk', '--k', '2', '--min', '0.5', '--json',
                             check=False).stdout)
    assert cli['goals'] == r['goals']
    for mine, theirs in zip(r['outputs'][0]['metrics'], cli['outputs'][0]['metrics']):
        assert mine['pass'] == theirs['pass']
        assert mine['value'] == pytest.approx(theirs['value'], abs=1e-9)


def test_identical_outputs_and_nan(tiny_mlp_work, tmp_path):
    same = nnport.verify(tiny_mlp_work, reference='onnxruntime', metrics=['snr'])
    assert same['pass'] is True
    assert same['outputs'][0]['snr_db'] == math.inf

    _, inputs, outputs = model('tiny_mlp')
    broken = outputs['output'].copy()
    broken[0, 0] = np.nan
    np.save(tmp_path / 'output.npy', broken)
    r = nnport.verify(tiny_mlp_work, expected=tmp_path, inputs=inputs, metrics=['topk'])
    top1 = r['outputs'][0]['metrics'][0]
    assert r['pass'] is False and top1['value'] is None and top1['missed_by'] is None
    assert top1['reason'] == '1 NaN value(s) in the target or reference'
    assert r['outputs'][0]['cosine'] is None


@pytest.mark.parametrize('metrics, words', [
    (['cosin'], "unknown metric 'cosin' (did you mean 'cosine'?)"),
    ([{'metric': 'topk', 'min': 98}], 'outside [0, 1]'),
    ([{'metric': 'cosine', 'k': 2}], "topk's"),
    ([{'metrc': 'snr'}], "unknown key 'metrc' (did you mean 'metric'?)"),
    ([{'min': 0.5}], "needs 'metric'"),
    ([{'metric': 'snr', 'min': 'high'}], "'min' must be a number, not str"),
    (['snr', 'snr'], 'snr has two goals'),
    ('cosine', 'must be a list'),
    ([3], 'a name or a dict, not int'),
])
def test_bad_goals_are_value_errors(tiny_mlp_work, metrics, words):
    with pytest.raises(ValueError) as e:
        nnport.verify(tiny_mlp_work, reference='onnxruntime', metrics=metrics)
    assert words in str(e.value)


def test_metrics_are_in_the_stub_and_doc():
    stub = (MODELS.parents[2] / 'python' / 'nnport' / '_nnport.pyi').read_text()
    assert 'metrics: Optional[Sequence[_Goal]] = None' in stub
    assert 'metrics=' in nnport.verify.__doc__
