"""The Python binding's per-call cost: nnport's wrapper.forward called from
Python against the same Wrapper::forward called from a C++ loop, on the same
wrapper and inputs, in one process, interleaved in rounds so that drift in the
machine's load hits both alike. Prints medians, their difference and ratio.

    PYTHONPATH=install/lib/python /usr/bin/python3 bench/python_overhead.py \\
        [--models tiny_mlp,resnet18] [--rounds 20] [--markdown FILE]

Calls per round: 500 for models under 1 ms, else 5. Needs scripts/setup.sh
done (the module in install/lib/python, the test models in tests/models/out).
"""
import argparse
import os
import pathlib
import platform
import statistics
import time

import numpy as np

import nnport

ROOT = pathlib.Path(__file__).resolve().parents[1]


def cpu_name():
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            return line.split(':', 1)[1].strip()
    return platform.processor() or 'unknown CPU'


def measure(model, rounds):
    model_dir = ROOT / 'tests/models/out' / model
    inputs = {p.stem: np.load(p) for p in sorted((model_dir / 'inputs').glob('*.npy'))}
    wrapper = nnport.get_backend_manager('onnxruntime').build_wrapper(str(model_dir / 'model.onnx'))
    for _ in range(20):
        wrapper.forward(inputs)
    probe = wrapper._time_cpp_forward(inputs, 20)
    calls = 500 if statistics.median(probe) < 1.0 else 5
    py_ms, cpp_ms = [], []
    for r in range(rounds):
        for side in (('py', 'cpp') if r % 2 == 0 else ('cpp', 'py')):
            if side == 'cpp':
                cpp_ms += wrapper._time_cpp_forward(inputs, calls)
            else:
                for _ in range(calls):
                    t = time.perf_counter()
                    wrapper.forward(inputs)
                    py_ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(py_ms), statistics.median(cpp_ms), len(py_ms)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--models', default='tiny_mlp,resnet18')
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--markdown', help='also write the table to FILE')
    a = ap.parse_args()
    if a.rounds < 1:
        ap.error('--rounds must be >= 1')
    load = os.getloadavg()[0]
    lines = [f'{cpu_name()}, {os.cpu_count()} CPUs, load {load:.2f}, ONNX Runtime plugin, '
             f'{a.rounds} interleaved rounds (`bench/python_overhead.py --rounds {a.rounds}`)',
             '',
             '| model | calls each | Python forward (median) | C++ forward (median) | '
             'difference | ratio |',
             '|---|---|---|---|---|---|']
    for model in a.models.split(','):
        py, cpp, n = measure(model, a.rounds)
        unit, scale = ('µs', 1000) if cpp < 1 else ('ms', 1)
        lines.append(f'| {model} | {n} | {py * scale:.2f} {unit} | {cpp * scale:.2f} {unit} | '
                     f'{(py - cpp) * 1000:.1f} µs | {py / cpp:.3f}x |')
    text = '\n'.join(lines)
    print(text)
    if a.markdown:
        pathlib.Path(a.markdown).write_text(text + '\n')


if __name__ == '__main__':
    main()
