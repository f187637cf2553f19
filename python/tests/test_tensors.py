"""numpy <-> tensors: every element type, zero copy, ownership, bad input."""
import gc

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import nnport
from conftest import model

DTYPES = {
    np.float32: TensorProto.FLOAT, np.float16: TensorProto.FLOAT16,
    np.float64: TensorProto.DOUBLE, np.int8: TensorProto.INT8, np.uint8: TensorProto.UINT8,
    np.int32: TensorProto.INT32, np.int64: TensorProto.INT64, np.bool_: TensorProto.BOOL,
}


def make_model(path, elem, shape=(2, 3)):
    """y = Identity(x) and z = x (+) x (Or for bool): a copy and a computed output."""
    x = helper.make_tensor_value_info('x', elem, list(shape))
    y = helper.make_tensor_value_info('y', elem, list(shape))
    z = helper.make_tensor_value_info('z', elem, list(shape))
    op = 'Or' if elem == TensorProto.BOOL else 'Add'
    graph = helper.make_graph([helper.make_node('Identity', ['x'], ['y']),
                               helper.make_node(op, ['x', 'x'], ['z'])], 'g', [x], [y, z])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 14)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    return path


def sample(dtype, shape=(2, 3)):
    rng = np.random.default_rng(7)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.issubdtype(dtype, np.floating):
        return rng.uniform(-4, 4, shape).astype(dtype)
    return rng.integers(-5 if np.issubdtype(dtype, np.signedinteger) else 0, 50, shape).astype(dtype)


@pytest.fixture(scope='module')
def wrappers(ort, tmp_path_factory):
    d = tmp_path_factory.mktemp('dtypes')
    return {dt: ort.build_wrapper(str(make_model(d / ('%s.onnx' % np.dtype(dt).name), elem)))
            for dt, elem in DTYPES.items()}


@pytest.mark.parametrize('dtype', list(DTYPES), ids=lambda d: np.dtype(d).name)
def test_round_trip_every_element_type(wrappers, dtype):
    wrapper = wrappers[dtype]
    assert wrapper.inputs[0]['dtype'] == np.dtype(dtype)
    x = sample(dtype)
    out = wrapper.forward({'x': x})
    assert list(out) == ['y', 'z']
    for name in out:
        assert out[name].dtype == np.dtype(dtype) and out[name].shape == x.shape
    np.testing.assert_array_equal(out['y'], x)
    np.testing.assert_array_equal(out['z'], (x | x) if dtype == np.bool_ else x + x)


def test_input_is_not_copied(wrappers):
    wrapper = wrappers[np.float32]
    x = sample(np.float32)
    assert wrapper._input_addresses({'x': x})['x'] == x.ctypes.data
    ro = x.copy()
    ro.flags.writeable = False  # read-only arrays pass without a copy too
    assert wrapper._input_addresses({'x': ro})['x'] == ro.ctypes.data
    np.testing.assert_array_equal(wrapper.forward({'x': ro})['y'], x)


def test_engine_reads_the_callers_buffer(ort):
    # The engine binds the caller's memory and skips rebinding when the same
    # buffer comes back: an array changed in place between calls must still
    # give the new values (no stale snapshot anywhere).
    onnx_file, inputs, _ = model('tiny_mlp')
    wrapper = ort.build_wrapper(str(onnx_file))
    x = inputs['input'].copy()
    first = wrapper.forward({'input': x})['output'].copy()
    x *= 2
    second = wrapper.forward({'input': x})['output']
    assert not np.allclose(first, second)
    np.testing.assert_allclose(second, wrapper.forward({'input': x.copy()})['output'])


def test_non_contiguous_input_is_copied_once(wrappers):
    wrapper = wrappers[np.float32]
    big = sample(np.float32, (3, 6))
    view = big[::1, ::2][:2]  # (2, 3), strided
    assert not view.flags.c_contiguous
    assert wrapper._input_addresses({'x': view})['x'] != view.ctypes.data
    np.testing.assert_array_equal(wrapper.forward({'x': view})['y'], view)
    fortran = np.asfortranarray(sample(np.float32))
    np.testing.assert_array_equal(wrapper.forward({'x': fortran})['y'], fortran)
    swapped = sample(np.float32).astype('>f4')  # other byte order: same values, native copy
    np.testing.assert_array_equal(wrapper.forward({'x': swapped})['y'], swapped)


def test_outputs_keep_their_memory(wrappers, ort, tmp_path):
    path = make_model(tmp_path / 'm.onnx', TensorProto.FLOAT)
    wrapper = ort.build_wrapper(str(path))
    x = sample(np.float32)
    out = wrapper.forward({'x': x})
    y = out['y']
    assert y.base is not None or y.flags.owndata
    assert y.ctypes.data != x.ctypes.data
    del wrapper, out
    gc.collect()
    np.testing.assert_array_equal(y, x)  # still valid after the wrapper is gone
    y[0, 0] = 123  # writable, and ours alone
    assert x[0, 0] != 123


def test_wrong_element_type_is_type_error(wrappers):
    wrapper = wrappers[np.float32]
    with pytest.raises(TypeError, match=r"input 'x': the model takes float32, got float64"):
        wrapper.forward({'x': sample(np.float64)})
    with pytest.raises(TypeError, match=r"input 'x': the model takes float32, got int64"):
        wrapper.forward({'x': np.zeros((2, 3), np.int64)})
    with pytest.raises(TypeError, match=r"input 'x'.*complex64.*no nnport element type"):
        wrapper.forward({'x': np.zeros((2, 3), np.complex64)})
    with pytest.raises(TypeError, match=r"input 'x': expected a numpy.ndarray, got list"):
        wrapper.forward({'x': [[0.0] * 3] * 2})
    with pytest.raises(TypeError, match='dict'):
        wrapper.forward([sample(np.float32)])
    with pytest.raises(TypeError, match='names must be str'):
        wrapper.forward({1: sample(np.float32)})


def test_bad_inputs_are_value_errors(wrappers):
    wrapper = wrappers[np.float32]
    with pytest.raises(ValueError, match="unknown input 'X'"):
        wrapper.forward({'X': sample(np.float32)})
    with pytest.raises(ValueError, match="missing input 'x'"):
        wrapper.forward({})
    with pytest.raises(ValueError, match="'x'"):
        wrapper.forward({'x': sample(np.float32, (3, 3))})
    with pytest.raises(ValueError, match="'x'"):
        wrapper.forward({'x': sample(np.float32, (6,))})


def test_read_npy_matches_numpy():
    _, inputs, _ = model('int64_input')
    from conftest import MODELS
    got = nnport.read_npy(MODELS / 'int64_input' / 'inputs' / 'ids.npy')
    np.testing.assert_array_equal(got, inputs['ids'])
    assert got.dtype == inputs['ids'].dtype
