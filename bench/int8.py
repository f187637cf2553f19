"""int8 against fp32 on ONNX Runtime, side by side, with the accuracy beside
the times (issue 8's figures in docs/performance.md):

  1. per model, an fp32 and an int8 work dir (configs/classification/
     classification_onnxruntime[-int8]_static.py; the int8 one calibrated
     on --calib-data);
  2. accuracy of int8 against fp32 on held-out inputs: cosine, SNR, top-1
     agreement; for shapes10 (trained in tests/models) the real top-1
     accuracy of both on its 1000 test images;
  3. latency: `nnport bench FP32 --compare INT8 --threads T`, batch 1, the
     two alternating in chunks in one run.

    PYTHONPATH=install/lib/python /usr/bin/python3 bench/int8.py \\
        [--models resnet18,mobilenet_v2,shapes10] [--threads 2] [--duration 20] \\
        [--markdown FILE]

resnet18 and mobilenet_v2 have random weights (tests/models): their
calibration and held-out inputs are seeded Gaussian noise at the scale of
normalized images, so the accuracy says how closely int8 follows fp32, not
how well it classifies; shapes10's does.
"""
import argparse
import json
import os
import pathlib
import platform
import shutil
import subprocess
import tempfile

import numpy as np

import nnport

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIGS = ROOT / 'configs' / 'classification'


def cpu_name():
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            return line.split(':', 1)[1].strip()
    return platform.processor() or 'unknown CPU'


def cpu_flags():
    for line in open('/proc/cpuinfo'):
        if line.startswith('flags'):
            flags = set(line.split(':', 1)[1].split())
            return ', '.join(f for f in ('avx512_vnni', 'avx_vnni', 'amx_int8') if f in flags) \
                or 'no VNNI/AMX'
    return 'unknown'


def nnport_cli():
    if os.environ.get('NNPORT_CLI'):
        return os.environ['NNPORT_CLI']
    for p in (ROOT / 'install' / 'bin' / 'nnport', ROOT / 'build' / 'bin' / 'nnport'):
        if p.exists():
            return str(p)
    raise SystemExit('no nnport binary: run scripts/setup.sh')


def metrics(ref, out):
    ref, out = ref.astype(np.float64), out.astype(np.float64)
    cos = float((ref * out).sum() / np.sqrt((ref * ref).sum() * (out * out).sum()))
    snr = float(10 * np.log10((ref * ref).sum() / ((ref - out) ** 2).sum()))
    top1 = float((ref.reshape(-1, ref.shape[-1]).argmax(1) ==
                  out.reshape(-1, out.shape[-1]).argmax(1)).mean())
    return cos, snr, top1


def run_all(wrapper, samples):
    return np.concatenate([wrapper({'input': s})['output'] for s in samples])


def one_model(name, models, work, threads, duration):
    model_dir = models / name
    shape = [1, 3, 224, 224] if name != 'shapes10' else [1, 3, 32, 32]
    rng = np.random.default_rng(0)
    if name == 'shapes10':
        calib = model_dir / 'calib'
        test = np.load(model_dir / 'test' / 'input.npy')
        held_out = [test[i:i + 1] for i in range(len(test))]
    else:
        calib = work / (name + '-calib')
        (calib / 'input').mkdir(parents=True, exist_ok=True)
        for i in range(32):
            np.save(calib / 'input' / ('%d.npy' % i), rng.standard_normal(shape, np.float32))
        held_out = [rng.standard_normal(shape, np.float32) for _ in range(64)]
    fp32_dir, int8_dir = work / (name + '-fp32'), work / (name + '-int8')
    nnport.convert(str(CONFIGS / 'classification_onnxruntime_static.py'),
                   str(model_dir / 'model.onnx'), str(fp32_dir), overwrite=True)
    nnport.convert(str(CONFIGS / 'classification_onnxruntime-int8_static.py'),
                   str(model_dir / 'model.onnx'), str(int8_dir), overwrite=True,
                   calib_data=str(calib))
    ref = run_all(nnport.load_work_dir(str(fp32_dir)), held_out)
    out = run_all(nnport.load_work_dir(str(int8_dir)), held_out)
    row = dict(zip(('cosine', 'snr_db', 'top1_agreement'), metrics(ref, out)))
    if name == 'shapes10':
        labels = np.load(model_dir / 'test' / 'labels.npy')
        row['fp32_accuracy'] = float((ref.argmax(1) == labels).mean())
        row['int8_accuracy'] = float((out.argmax(1) == labels).mean())
    report = work / (name + '-bench.json')
    subprocess.run([nnport_cli(), 'bench', str(fp32_dir), '--compare', str(int8_dir),
                    '--threads', str(threads), '--duration', str(duration),
                    '--shape', 'input=' + 'x'.join(map(str, shape)), '--no-progress',
                    '--json', str(report)], check=True, stdout=subprocess.DEVNULL)
    runs = json.load(open(report))['runs']
    row['fp32_ms'] = runs[0]['execute']['p50_ms']
    row['int8_ms'] = runs[1]['execute']['p50_ms']
    row['speedup'] = row['fp32_ms'] / row['int8_ms']
    row['samples'] = len(held_out)
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--models', default='resnet18,mobilenet_v2,shapes10')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--duration', type=float, default=20)
    p.add_argument('--markdown', help='also write the table to FILE')
    p.add_argument('--keep', help='keep the work dirs in this folder')
    a = p.parse_args()
    models = pathlib.Path(os.environ.get('NNPORT_MODELS_DIR', ROOT / 'tests' / 'models' / 'out'))
    work = pathlib.Path(a.keep or tempfile.mkdtemp(prefix='nnport-int8-'))
    work.mkdir(parents=True, exist_ok=True)
    lines = ['CPU: %s, %d CPUs usable, %s; %d threads, batch 1, `nnport bench` execute '
             'medians, fp32 and int8 alternating in one run.' %
             (cpu_name(), len(os.sched_getaffinity(0)), cpu_flags(), a.threads), '',
             '| model | fp32 ms | int8 ms | speed-up | cosine | SNR dB | top-1 agreement |'
             ' top-1 accuracy fp32 → int8 |', '|---|---|---|---|---|---|---|---|']
    try:
        for name in a.models.split(','):
            r = one_model(name, models, work, a.threads, a.duration)
            acc = ('%.1f %% → %.1f %% (%d test images)' %
                   (100 * r['fp32_accuracy'], 100 * r['int8_accuracy'], r['samples'])
                   if 'fp32_accuracy' in r else 'random weights (%d inputs)' % r['samples'])
            lines.append('| %s | %.2f | %.2f | %.2fx | %.4f | %.1f | %.3f | %s |' %
                         (name, r['fp32_ms'], r['int8_ms'], r['speedup'], r['cosine'],
                          r['snr_db'], r['top1_agreement'], acc))
            print(lines[-1], flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = '\n'.join(lines) + '\n'
    print(text)
    if a.markdown:
        pathlib.Path(a.markdown).write_text(text)


if __name__ == '__main__':
    main()
