"""Shared fixtures: where the repository, the test models and the CLI are.

The module under test is whichever `import nnport` finds (scripts/test.sh
sets PYTHONPATH to install/lib/python); the CLI is the one next to it
(<prefix>/lib/python/nnport -> <prefix>/bin/nnport), so both come from the
same build.
"""
import os
import pathlib
import subprocess

import numpy as np
import pytest

import nnport

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / 'tests' / 'models' / 'out'
CONFIGS = ROOT / 'configs'
ORT_STATIC = CONFIGS / 'generic' / 'generic_onnxruntime_static.py'


def cli_path():
    prefix = pathlib.Path(nnport.__file__).resolve().parents[3]
    path = prefix / 'bin' / 'nnport'
    if not path.exists():
        raise RuntimeError('no nnport CLI next to the module: %s' % path)
    return path


def run_cli(*args, check=True):
    proc = subprocess.run([str(cli_path()), *map(str, args)], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError('nnport %s failed (%d):\n%s\n%s' % (
            ' '.join(map(str, args)), proc.returncode, proc.stdout, proc.stderr))
    return proc


def model(name):
    """(model.onnx, {input: array}, {output: PyTorch's array}) of a test model."""
    d = MODELS / name
    if not (d / 'model.onnx').exists():
        pytest.skip('test model %s missing: run tests/models/export.py' % name)
    inputs = {p.stem: np.load(p) for p in sorted((d / 'inputs').glob('*.npy'))}
    outputs = {p.stem: np.load(p) for p in sorted((d / 'outputs').glob('*.npy'))}
    return d / 'model.onnx', inputs, outputs


@pytest.fixture(scope='session')
def ort():
    manager = nnport.get_backend_manager('onnxruntime')
    if not manager.is_available():
        pytest.skip('onnxruntime backend not available: ' + str(manager.why_unavailable()))
    return manager


@pytest.fixture(scope='session')
def tiny_mlp_work(tmp_path_factory):
    """tiny_mlp converted for onnxruntime by nnport.convert."""
    onnx_file, _, _ = model('tiny_mlp')
    work = tmp_path_factory.mktemp('work') / 'tiny_mlp'
    nnport.convert(ORT_STATIC, onnx_file, work, log_level='WARNING')
    return work
