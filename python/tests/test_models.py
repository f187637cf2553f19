"""Real models: PyTorch's saved outputs, the CLI's outputs, convert / verify."""
import json

import numpy as np
import pytest

import nnport
from conftest import CONFIGS, MODELS, ORT_STATIC, model, run_cli

# PyTorch vs ONNX Runtime on CPU, float32: the CLI's own tests use these too.
ATOL, RTOL = 1e-4, 1e-3


@pytest.mark.parametrize('name', ['tiny_mlp', 'two_in_two_out', 'int64_input', 'squeezenet1_1'])
def test_matches_pytorch_outputs(ort, name):
    onnx_file, inputs, expected = model(name)
    wrapper = ort.build_wrapper(str(onnx_file))
    got = wrapper.forward(inputs)
    assert sorted(got) == sorted(expected)
    for out_name, ref in expected.items():
        assert got[out_name].shape == ref.shape and got[out_name].dtype == ref.dtype
        np.testing.assert_allclose(got[out_name], ref, atol=ATOL, rtol=RTOL, err_msg=out_name)


def test_convert_returns_deploy_info(tiny_mlp_work):
    info = nnport.read_deploy_info(tiny_mlp_work)
    assert info['backend'] == 'onnxruntime' and info['input_names'] == ['input']
    assert info['output_names'] == ['output'] and info['load_checked'] is True
    assert (tiny_mlp_work / 'deploy.json').exists()


def test_same_outputs_as_cli(tiny_mlp_work, tmp_path):
    _, inputs, expected = model('tiny_mlp')
    x_file = tmp_path / 'x.npy'
    np.save(x_file, inputs['input'])
    run_cli('run', tiny_mlp_work, '--input', 'input=%s' % x_file, '--output-dir', tmp_path / 'o')
    cli_out = np.load(tmp_path / 'o' / 'output.npy')
    wrapper = nnport.load_work_dir(tiny_mlp_work)
    assert wrapper.deploy_info['backend'] == 'onnxruntime'
    py_out = wrapper.forward(inputs)['output']
    # Same engine, same files, same input: the same bits.
    np.testing.assert_array_equal(py_out, cli_out)
    np.testing.assert_allclose(py_out, expected['output'], atol=ATOL, rtol=RTOL)


def test_verify_like_cli(tiny_mlp_work):
    _, inputs, _ = model('tiny_mlp')
    result = nnport.verify(tiny_mlp_work, expected=MODELS / 'tiny_mlp' / 'outputs',
                           inputs=inputs, atol=1e-5)
    cli = json.loads(run_cli('verify', tiny_mlp_work, '--input',
                             'input=%s' % (MODELS / 'tiny_mlp' / 'inputs' / 'input.npy'),
                             '--expected', MODELS / 'tiny_mlp' / 'outputs', '--atol', '1e-5',
                             '--json').stdout)
    assert result['pass'] is True and cli['pass'] is True
    assert [o['name'] for o in result['outputs']] == [o['name'] for o in cli['outputs']]
    for mine, theirs in zip(result['outputs'], cli['outputs']):
        assert mine['max_abs_err'] == pytest.approx(theirs['max_abs_err'], rel=1e-6, abs=1e-12)
        assert mine['mismatches'] == theirs['mismatches'] == 0
    # Random inputs against the reference backend, as `nnport verify --reference`.
    r = nnport.verify(tiny_mlp_work, reference='onnxruntime', seed=3)
    assert r['pass'] is True and r['reference'] == 'onnxruntime'
    assert r['inputs']['input'].shape == (1, 16)
    # An impossible tolerance fails without an exception.
    wrong = {'input': inputs['input'] + 1}
    bad = nnport.verify(tiny_mlp_work, expected=MODELS / 'tiny_mlp' / 'outputs', inputs=wrong,
                        atol=0, rtol=0)
    assert bad['pass'] is False and bad['outputs'][0]['mismatches'] > 0


def test_verify_argument_errors(tiny_mlp_work, tmp_path):
    with pytest.raises(ValueError, match='give one reference'):
        nnport.verify(tiny_mlp_work)
    with pytest.raises(ValueError, match='give one reference'):
        nnport.verify(tiny_mlp_work, reference='onnxruntime', expected=tmp_path)
    with pytest.raises(ValueError, match="input 'input' must be given"):
        nnport.verify(tiny_mlp_work, expected=MODELS / 'tiny_mlp' / 'outputs')
    with pytest.raises(ValueError, match='atol'):
        nnport.verify(tiny_mlp_work, reference='onnxruntime', atol=-1)
    with pytest.raises(FileNotFoundError):
        nnport.verify(tmp_path / 'nope', reference='onnxruntime')
    with pytest.raises(TypeError, match="input 'input'"):
        nnport.verify(tiny_mlp_work, reference='onnxruntime',
                      inputs={'input': np.zeros((1, 16), np.float64)})


def test_load_work_dir_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        nnport.load_work_dir(tmp_path / 'nope')
    (tmp_path / 'empty').mkdir()
    with pytest.raises(FileNotFoundError):
        nnport.load_work_dir(tmp_path / 'empty')
    with pytest.raises(ValueError, match='work_dir'):
        nnport.load_work_dir(3)


def test_convert_errors_and_overwrite(tmp_path):
    onnx_file, _, _ = model('tiny_mlp')
    with pytest.raises(FileNotFoundError, match='missing.py'):
        nnport.convert(tmp_path / 'missing.py', onnx_file, tmp_path / 'w')
    with pytest.raises(FileNotFoundError, match='nope.onnx'):
        nnport.convert(ORT_STATIC, tmp_path / 'nope.onnx', tmp_path / 'w')
    with pytest.raises(ValueError, match="unknown backend 'onnxruntim'"):
        nnport.convert({'backend_config': {'type': 'onnxruntim'}}, onnx_file, tmp_path / 'w')
    assert not (tmp_path / 'w').exists()  # a failure leaves no work dir behind
    cfg = nnport.Config.fromfile(ORT_STATIC)
    info = nnport.convert(cfg, onnx_file, tmp_path / 'w', log_level='WARNING')
    assert info['backend'] == 'onnxruntime'
    with pytest.raises(ValueError, match='overwrite|force|not empty|exists'):
        nnport.convert(cfg, onnx_file, tmp_path / 'w')
    nnport.convert(cfg, onnx_file, tmp_path / 'w', overwrite=True, log_level='WARNING')


def test_dynamic_model_from_python(ort, tmp_path):
    onnx_file, inputs, expected = model('transformer_layer')
    work = tmp_path / 'tl'
    nnport.convert(CONFIGS / 'generic' / 'generic_onnxruntime_dynamic.py', onnx_file, work,
                   log_level='WARNING')
    got = nnport.load_work_dir(work).forward(inputs)
    np.testing.assert_allclose(got['output'], expected['output'], atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize('backend,name', [('xnnpack', 'resnet18'), ('opencv', 'squeezenet1_1')])
def test_other_backends_from_python(backend, name, tmp_path):
    try:
        manager = nnport.get_backend_manager(backend)
    except RuntimeError as e:
        pytest.skip(str(e))
    if not manager.is_available():
        pytest.skip(manager.why_unavailable())
    onnx_file, inputs, expected = model(name)
    work = tmp_path / backend
    info = nnport.convert(CONFIGS / 'classification' / ('classification_%s_static.py' % backend),
                          onnx_file, work, log_level='WARNING')
    assert info['backend'] == backend
    wrapper = nnport.load_work_dir(work)
    assert wrapper.backend == backend
    got = wrapper.forward(inputs)
    np.testing.assert_allclose(got['output'], expected['output'], atol=ATOL, rtol=RTOL)


def test_backend_failure_is_runtime_error(tmp_path):
    try:
        manager = nnport.get_backend_manager('xnnpack')
    except RuntimeError as e:
        pytest.skip(str(e))
    if not manager.is_available():
        pytest.skip(manager.why_unavailable())
    onnx_file, _, _ = model('squeezenet1_1')  # Concat: not in this XNNPACK
    with pytest.raises(RuntimeError, match=r'xnnpack: convert failed.*Concat'):
        nnport.convert(CONFIGS / 'classification' / 'classification_xnnpack_static.py',
                       onnx_file, tmp_path / 'w', log_level='WARNING')
    assert not (tmp_path / 'w').exists()
