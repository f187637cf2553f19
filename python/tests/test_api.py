"""The API surface: names, managers, Backend, Config, TimeCounter, errors."""
import json
import logging
import pathlib

import numpy as np
import pytest

import nnport
from conftest import CONFIGS, ORT_STATIC, model, run_cli

PUBLIC = ['Backend', 'BackendManager', 'Config', 'TimeCounter', 'Wrapper', 'convert',
          'get_backend_manager', 'list_backends', 'load_plugin', 'load_work_dir', 'verify',
          'read_npy', 'read_deploy_info']


@pytest.mark.parametrize('name', PUBLIC)
def test_public_names_are_documented(name):
    obj = getattr(nnport, name)
    assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name


def test_manager_methods_are_documented():
    for method in ['is_available', 'get_version', 'check_env', 'to_backend', 'build_wrapper']:
        assert getattr(nnport.BackendManager, method).__doc__, method
    for method in ['forward', 'output_to_list']:
        assert getattr(nnport.Wrapper, method).__doc__, method


def test_version_and_check_env(ort):
    version = ort.get_version()
    assert version and version[0].isdigit()
    seen = []
    text = ort.check_env(log_callback=seen.append)
    assert text.splitlines()[0] == 'onnxruntime:\t' + version
    assert seen == [text]
    # The CLI says the same.
    assert 'onnxruntime:\t' + version in run_cli('check-env').stdout


def test_is_available_signature(ort):
    assert ort.is_available() is True
    assert isinstance(ort.is_available(with_custom_ops=True), bool)
    assert ort.why_unavailable() is None
    assert ort.name == 'onnxruntime' and ort.plugin_path.endswith('.so')


def test_unknown_backend_is_value_error_with_suggestion():
    with pytest.raises(ValueError, match=r"unknown backend 'onnxruntim'.*onnxruntime"):
        nnport.get_backend_manager('onnxruntim')


def test_known_backend_without_plugin_is_an_unavailable_manager():
    # MMDeploy's use: get_backend_manager(name).is_available() for any known name.
    manager = nnport.get_backend_manager(nnport.Backend.TENSORRT)
    assert manager.name == 'tensorrt'
    assert manager.is_available() is False
    assert 'tensorrt' in manager.why_unavailable()
    assert manager.get_version() == 'None'
    assert manager.check_env() == 'tensorrt:\tNone'
    assert manager.plugin_path is None
    with pytest.raises(RuntimeError, match='tensorrt'):
        manager.build_wrapper(['model.onnx'])


def test_backend_names():
    assert nnport.Backend.ONNXRUNTIME == 'onnxruntime'
    assert nnport.Backend.ONNXRUNTIME.value == 'onnxruntime'
    assert nnport.Backend.XNNPACK.name == 'XNNPACK'
    assert nnport.Backend('opencv') is not None and nnport.Backend.get('opencv') == 'opencv'
    names = [b.value for b in nnport.Backend]
    assert names[:3] == ['tensorrt', 'onnxruntime', 'pplnn'] and 'xnnpack' in names
    assert 'ncnn' in nnport.Backend and 'nope' not in nnport.Backend
    with pytest.raises(ValueError, match="'nope' is not a valid nnport.Backend"):
        nnport.Backend('nope')
    with pytest.raises(AttributeError):
        nnport.Backend.NOPE
    # A Backend member is accepted where a name is.
    assert nnport.get_backend_manager(nnport.Backend.ONNXRUNTIME).name == 'onnxruntime'


def test_list_backends_includes_onnxruntime(ort):
    assert 'onnxruntime' in [m.name for m in nnport.list_backends()]


def test_load_plugin_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='no such file'):
        nnport.load_plugin(tmp_path / 'libnnport_backend_nope.so')


def test_load_plugin_not_a_plugin(tmp_path):
    bogus = tmp_path / 'libnnport_backend_bogus.so'
    bogus.write_bytes(b'not an ELF file')
    with pytest.raises((ValueError, RuntimeError), match='bogus'):
        nnport.load_plugin(bogus)
    assert 'bogus' not in nnport.Backend


def test_load_plugin_extends_backend(ort):
    # Loading the installed onnxruntime plugin file again under another name
    # would be a duplicate; loading the same file again returns its manager.
    manager = nnport.load_plugin(ort.plugin_path)
    assert manager.name == 'onnxruntime'
    assert nnport.Backend.ONNXRUNTIME in list(nnport.Backend)


def test_config_fromfile_matches_cli():
    cfg_file = CONFIGS / 'classification' / 'classification_onnxruntime_dynamic.py'
    cfg = nnport.Config.fromfile(cfg_file)
    cli = json.loads(run_cli('config', cfg_file).stdout)
    assert cfg.to_dict() == cli
    assert list(cfg.keys()) == list(cli.keys())  # file order kept
    assert cfg.backend_config.type == 'onnxruntime'
    assert cfg['onnx_config']['save_file'] == cfg.onnx_config.save_file
    assert isinstance(cfg, dict) and cfg.filename == str(cfg_file)


def test_config_base_merge_and_options(tmp_path):
    (tmp_path / 'base.py').write_text(
        "backend_config = dict(type='onnxruntime', common_config=dict(a=1, b=2))\n"
        "onnx_config = dict(opset_version=11)\n")
    (tmp_path / 'child.py').write_text(
        "_base_ = ['./base.py']\nbackend_config = dict(common_config=dict(b=3))\n")
    cfg = nnport.Config.fromfile(tmp_path / 'child.py',
                                 cfg_options=['onnx_config.opset_version=13'])
    assert cfg.backend_config.common_config == {'a': 1, 'b': 3}
    assert cfg.onnx_config.opset_version == 13
    cfg2 = nnport.Config.fromfile(tmp_path / 'child.py', cfg_options={'x.y': [1, 2]})
    assert cfg2.x.y == [1, 2]
    assert cfg2.warnings  # 'x.y' was not in the config
    assert json.loads(cfg.dump()) == cfg.to_dict()


def test_config_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        nnport.Config.fromfile(tmp_path / 'missing.py')
    bad = tmp_path / 'bad.py'
    bad.write_text('import os\n')
    with pytest.raises(ValueError, match='bad.py:1'):
        nnport.Config.fromfile(bad)
    with pytest.raises(ValueError):
        nnport.Config.fromfile(42)


def test_config_is_accepted_as_deploy_cfg(ort, tmp_path):
    onnx_file, inputs, outputs = model('tiny_mlp')
    cfg = nnport.Config.fromfile(ORT_STATIC)
    for deploy_cfg in (cfg, cfg.to_dict(), ORT_STATIC, str(ORT_STATIC)):
        work = tmp_path / ('w%d' % len(list(tmp_path.iterdir())))
        work.mkdir()
        files = ort.to_backend([str(onnx_file)], work, deploy_cfg, log_level=logging.WARNING)
        assert len(files) == 1 and pathlib.Path(files[0]).exists()
        wrapper = ort.build_wrapper(files, deploy_cfg=deploy_cfg)
        got = wrapper.forward(inputs)
        np.testing.assert_allclose(got['output'], outputs['output'], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match='deploy_cfg'):
        ort.build_wrapper([str(onnx_file)], deploy_cfg=3.5)


def test_to_backend_and_build_wrapper_errors(ort, tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.onnx'):
        ort.to_backend([str(tmp_path / 'nope.onnx')], tmp_path, {})
    with pytest.raises(FileNotFoundError, match='nope.onnx'):
        ort.build_wrapper([str(tmp_path / 'nope.onnx')])
    garbage = tmp_path / 'garbage.onnx'
    garbage.write_bytes(b'\x00garbage')
    # A file that is no model is a bad argument (the backend says why).
    with pytest.raises(ValueError, match='garbage.onnx.*Protobuf parsing failed'):
        ort.build_wrapper([str(garbage)])
    with pytest.raises(ValueError, match='log_level'):
        ort.to_backend([str(garbage)], tmp_path, {}, log_level='loud')
    with pytest.raises(ValueError, match='input_names'):
        ort.build_wrapper([str(garbage)], input_names='input')


def test_build_wrapper_output_names_order(ort):
    onnx_file, inputs, outputs = model('two_in_two_out')
    wrapper = ort.build_wrapper(str(onnx_file), output_names=['prod', 'sum'])
    assert wrapper.output_names == ['prod', 'sum']
    got = wrapper.forward(inputs)
    assert list(got) == ['prod', 'sum']
    listed = wrapper.output_to_list(got)
    assert listed[0] is got['prod'] and listed[1] is got['sum']
    with pytest.raises(ValueError, match="no output 'prod'"):
        wrapper.output_to_list({'sum': got['sum']})


def test_time_counter(ort, capsys, tmp_path):
    onnx_file, inputs, _ = model('tiny_mlp')
    wrapper = ort.build_wrapper(str(onnx_file))
    nnport.TimeCounter.reset()
    log = tmp_path / 'timer.log'
    with nnport.TimeCounter.activate('onnxruntime', warmup=2, log_interval=3, file=log):
        assert nnport.TimeCounter.active('onnxruntime')
        for _ in range(8):
            wrapper.forward(inputs)
    assert not nnport.TimeCounter.active('onnxruntime')
    assert nnport.TimeCounter.calls('onnxruntime') == 8
    assert len(nnport.TimeCounter.samples('onnxruntime')) == 6
    stats = nnport.TimeCounter.stats('onnxruntime')
    assert stats['count'] == 6 and 0 < stats['min'] <= stats['median'] <= stats['max']
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and lines[0].startswith('[onnxruntime]-5 times per count:')
    nnport.TimeCounter.print_stats('onnxruntime')
    out = capsys.readouterr().out
    assert 'Latency/ms' in out and 'Median' in out and 'P99' in out
    # Bad settings are refused and activate nothing.
    with pytest.raises(ValueError):
        with nnport.TimeCounter.activate('onnxruntime', log_interval=0):
            pass
    assert not nnport.TimeCounter.active('onnxruntime')

    @nnport.TimeCounter.count_time('py_fn')
    def work():
        return sum(range(1000))

    work()
    with nnport.TimeCounter.activate('py_fn', warmup=0):
        assert work() == 499500
    assert len(nnport.TimeCounter.samples('py_fn')) == 1
    nnport.TimeCounter.reset()


def test_stubs_cover_the_public_names():
    import ast
    import pathlib
    stub = pathlib.Path(nnport.__file__).with_name('__init__.pyi')
    tree = ast.parse(stub.read_text())
    declared = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            declared.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            declared.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    missing = [n for n in nnport.__all__ if n not in declared]
    assert not missing, missing
    native = pathlib.Path(nnport.__file__).with_name('_nnport.pyi').read_text()
    for name in ['def forward', 'def build_wrapper', 'def to_backend', 'def verify',
                 'def print_stats']:
        assert name in native


def test_cpp_forward_timing_aid_for_the_overhead_benchmark(ort):
    # bench/python_overhead.py compares forward() from Python with this loop.
    onnx_file, inputs, _ = model('tiny_mlp')
    wrapper = ort.build_wrapper(str(onnx_file))
    ms = wrapper._time_cpp_forward(inputs, 7)
    assert len(ms) == 7 and all(m > 0 for m in ms)
    with pytest.raises(ValueError, match='calls'):
        wrapper._time_cpp_forward(inputs, 0)
    with pytest.raises(TypeError, match='input'):
        wrapper._time_cpp_forward({'input': inputs['input'].astype(np.float64)}, 1)
