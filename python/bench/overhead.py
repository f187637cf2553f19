"""Per-call cost of the Python binding: wrapper.forward from Python against the
engine call alone (TimeCounter's samples of Wrapper::execute) on one model.

    PYTHONPATH=install/lib/python /usr/bin/python3 python/bench/overhead.py [MODEL_DIR] [CALLS]

MODEL_DIR: a test model folder (model.onnx, inputs/*.npy); default tiny_mlp.
Prints the median per call of forward from Python, of execute (engine only),
and the difference: input checks, binding, output hand-over and the binding's
own work (both the C++ Wrapper::forward and this binding do the first three).
"""
import pathlib
import statistics
import sys
import time

import numpy as np

import nnport

root = pathlib.Path(__file__).resolve().parents[2]
model_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / 'tests/models/out/tiny_mlp'
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
inputs = {p.stem: np.load(p) for p in sorted((model_dir / 'inputs').glob('*.npy'))}
wrapper = nnport.get_backend_manager('onnxruntime').build_wrapper(str(model_dir / 'model.onnx'))
for _ in range(100):
    wrapper.forward(inputs)
nnport.TimeCounter.reset()
py_ms = []
with nnport.TimeCounter.activate('onnxruntime', warmup=0, log_interval=10**9):
    for _ in range(calls):
        t0 = time.perf_counter()
        wrapper.forward(inputs)
        py_ms.append((time.perf_counter() - t0) * 1e3)
engine_ms = nnport.TimeCounter.samples('onnxruntime')
py_med, eng_med = statistics.median(py_ms), statistics.median(engine_ms)
print('%s, %d calls: forward from Python %.1f us, engine (execute) %.1f us, difference %.1f us'
      % (model_dir.name, calls, py_med * 1e3, eng_med * 1e3, (py_med - eng_med) * 1e3))
