"""int8 and fp16 from Python: convert(calib_data=...) on the trained shapes10
model, judged on its held-out test images against the fp32 model (an
independent reference: the same file, not lowered)."""
import json

import numpy as np
import pytest

import nnport
from conftest import CONFIGS, MODELS

SHAPES10 = MODELS / 'shapes10'
INT8 = CONFIGS / 'classification' / 'classification_onnxruntime-int8_dynamic.py'
FP32 = CONFIGS / 'classification' / 'classification_onnxruntime_dynamic.py'

pytestmark = pytest.mark.skipif(not (SHAPES10 / 'model.onnx').exists(),
                                reason='shapes10 absent: run tests/models/export.py')


def top1(work_dir, images, labels):
    wrapper = nnport.load_work_dir(str(work_dir))
    logits = wrapper({'input': images})['output']
    return float((logits.argmax(1) == labels).mean())


def test_int8_convert_keeps_accuracy(tmp_path):
    images = np.load(SHAPES10 / 'test' / 'input.npy')[:400]
    labels = np.load(SHAPES10 / 'test' / 'labels.npy')[:400]
    nnport.convert(FP32, SHAPES10 / 'model.onnx', tmp_path / 'fp32', log_level='WARNING')
    info = nnport.convert(INT8, SHAPES10 / 'model.onnx', tmp_path / 'int8',
                          calib_data=SHAPES10 / 'calib', log_level='WARNING')
    assert info['precision'] == 'INT8'
    report = json.loads((tmp_path / 'int8' / 'quantization.json').read_text())
    assert report['accuracy']['pass'] is True
    fp32, int8 = top1(tmp_path / 'fp32', images, labels), top1(tmp_path / 'int8', images, labels)
    assert fp32 > 0.9  # the model is trained (0.962 on all 1000)
    assert int8 >= fp32 - 0.01, (fp32, int8)


def test_int8_without_calibration_data_says_how_to_give_it(tmp_path):
    with pytest.raises(ValueError, match='--calib-data'):
        nnport.convert(INT8, SHAPES10 / 'model.onnx', tmp_path / 'w', log_level='WARNING')
    assert not (tmp_path / 'w').exists()


def test_bad_calibration_folder_names_the_file(tmp_path):
    folder = tmp_path / 'calib' / 'input'
    folder.mkdir(parents=True)
    np.save(folder / '0.npy', np.zeros((1, 3, 16, 16), np.float32))  # the model takes 32x32
    with pytest.raises(ValueError, match='0.npy'):
        nnport.convert(INT8, SHAPES10 / 'model.onnx', tmp_path / 'w', log_level='WARNING',
                       calib_data=tmp_path / 'calib')
    assert not (tmp_path / 'w').exists()
