#!/usr/bin/python3
"""Turns bench/performance.sh's measurements into docs/performance.md's block.

    performance_render.py OUT_DIR [--write docs/performance.md]

Without --write the block goes to stdout. With it, the text between the
perf:begin and perf:end markers is replaced (the markers are appended at the
end of the file when absent); nothing else in the file changes.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

BEGIN = "<!-- perf:begin (bench/performance.sh writes this part) -->"
END = "<!-- perf:end -->"
# Zen 5 (family 0x1A) and Zen 4 (0x19) have two FMA pipes; the measured
# FLOP/cycle (nnport_bench_engines --cpu-peak) says how wide they are.
FMA_PIPES = 2


def load(path):
    with open(path) as f:
        return json.load(f)


def ms(v):
    if v >= 1:
        return f"{v:.2f} ms"
    return f"{v * 1000:.2f} µs"


def us(v):
    return ms(v / 1000)


def signed_us(v):
    return ("+" if v >= 0 else "−") + us(abs(v))


def forward_p50(run):
    return run["forward"]["p50_ms"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--write")
    args = ap.parse_args()
    d = args.out
    meta = load(os.path.join(d, "meta.json"))
    meta.update(load(os.path.join(d, "meta_end.json")))
    steps = {}
    with open(os.path.join(d, "steps.jsonl")) as f:
        for line in f:
            s = json.loads(line)
            steps[s["name"]] = s

    def load_of(name):
        s = steps[name]
        return f"{s['load_before']}→{s['load_after']}"

    peak = load(os.path.join(d, "peak.json"))
    flops = load(os.path.join(d, "flops.json"))
    L = []
    w = L.append

    family = peak["cpu_family"]
    arch = {26: "Zen 5", 25: "Zen 3/Zen 4"}.get(family, f"family {family}")
    w(f"Generated {meta['started_utc']} by `bench/performance.sh` in {meta['seconds']} s "
      f"(commit {meta['commit']}, Release build, g++, ONNX Runtime 1.30.0, node {meta['node']}). "
      f"CPU: **{peak['cpu_model']}**, /proc/cpuinfo family {family} model "
      f"{peak['cpu_model_number']} ({arch}), {peak['cpus']} usable CPUs. Load average "
      f"(1, 5, 15 min) at the start {meta['load_start']}, at the end {meta['load_end']}; each "
      "table gives the 1-minute load before→after its step. All figures are medians.")
    w("")

    # 1. -------------------------------------------------------------------
    eng = load(os.path.join(d, "engines.json"))["results"]
    w("### 1. The wrapper's overhead over each engine's own API")
    w("")
    w(f"Command: `{steps['engines']['cmd']}` (load {load_of('engines')}). In one process per "
      "engine and model, nnport's `Wrapper::forward` and a plain loop over the engine's own API "
      "on the same file alternate in rounds: each side gets ≈ 40 ms of timed calls after 30 ms of "
      "quiet and one uncounted call, order alternating per round (with one call each, turn "
      "about, XNNPACK's two thread pools stalled each other for a scheduler tick on 2 CPUs). "
      "Plain loops: ONNX Runtime `Session::Run` on a preallocated input; OpenCV "
      "`setInput` + `forward` on the `.onnx` the opencv backend writes; XNNPACK "
      "`xnn_setup_runtime` + `xnn_invoke_runtime` on the runtime defined from the `.xnnpack` file "
      "by the backend's own `read_model`/`define_subgraph`, input already in NHWC. Settings: each "
      "engine's defaults on both sides (ONNX Runtime: one intra-op thread per physical core as "
      "it counts them, see item 3, spinning on; OpenCV and XNNPACK: one thread per CPU); XNNPACK "
      "runs with `XNN_FLAG_YIELD_WORKERS` on both sides, since nnport's wrapper always sets it. "
      "The two sides' first outputs differ by at most "
      f"{max(r['max_abs_diff'] for r in eng if not r['error']):.1e} (same file, same engine).")
    w("")
    w("| model | engine | calls per side | plain API | nnport | ratio | median per-round "
      "difference |")
    w("|---|---|---|---|---|---|---|")
    for r in eng:
        if r["error"]:
            w(f"| {r['model']} | {r['engine']} | not run: {r['error']} | | | | |")
            continue
        w(f"| {r['model']} | {r['engine']} | {r['calls']:,} ({r['rounds']} rounds) | "
          f"{us(r['plain_us'])} | {us(r['nnport_us'])} | {r['nnport_us'] / r['plain_us']:.3f} | "
          f"{signed_us(r['median_diff_us'])} |")
    w("")

    # 2. -------------------------------------------------------------------
    w("### 2. nnport's ONNX Runtime backend against onnxruntime-node")
    w("")
    same = ("the same `libonnxruntime.so.1` (sha256) as nnport's SDK"
            if meta["same_ort_library"] else "NOT the same library as nnport's SDK")
    w("onnxruntime-node 1.30.0 from npm (tarball sha256-checked, exact versions in "
      f"`bench/peers/package-lock.json`, {same}), run by `bench/peers/ort_node_bench.mjs`: "
      "one `InferenceSession` (intra-op threads N, inter-op 1, graph optimization 'all', "
      "sequential), `await session.run(feeds)` on the model's `.npy` inputs, 10 warm-up calls, "
      "then 3 s of calls. nnport: `nnport bench MODEL --threads N --input …npy --duration 3 "
      "--json` (forward p50, end to end). Each in its own process, ONNX Runtime's default "
      "spinning on both; two rounds, node and nnport alternating. Ratio = nnport / node "
      "(below 1: nnport faster).")
    w("")
    w("| model | threads | round | onnxruntime-node | nnport | ratio | load (node; nnport) |")
    w("|---|---|---|---|---|---|---|")
    ratios = {}
    same_side = {}  # (side, model, threads) -> medians over the rounds
    for f in sorted(glob.glob(os.path.join(d, "node-*.json"))):
        m, t, rnd = re.match(r".*node-(.+)-(\d+)-(\d+)\.json$", f).groups()
        node = load(f)
        nn = load(os.path.join(d, f"nnport-{m}-{t}-{rnd}.json"))["runs"][0]
        r = forward_p50(nn) / node["median_ms"]
        ratios.setdefault((m, t), []).append(r)
        same_side.setdefault(("node", m, t), []).append(node["median_ms"])
        same_side.setdefault(("nnport", m, t), []).append(forward_p50(nn))
        w(f"| {m} | {t} | {rnd} | {ms(node['median_ms'])} ({node['runs']:,} calls) | "
          f"{ms(forward_p50(nn))} ({nn['forward']['count']:,} calls) | {r:.3f} | "
          f"{load_of(f'node {m} {t} {rnd}')}; {load_of(f'nnport {m} {t} {rnd}')} |")
    w("")
    def scatter(m, t):  # how far one side's medians move between rounds
        return 100 * max(max(v) / min(v) - 1 for k, v in same_side.items() if k[1:] == (m, t))

    w("Ratio per configuration (median of the rounds; in brackets, how much the same side's "
      "median moved between rounds): " + ", ".join(
          f"{m} {t} thr **{statistics.median(v):.3f}** ({scatter(m, t):.0f} %)"
          for (m, t), v in sorted(ratios.items())) + ".")
    w("")

    # 3. -------------------------------------------------------------------
    hz = peak["clock_hz"]
    per_cycle_512 = peak["fma512_flops"] / hz
    lanes = 16 if per_cycle_512 > 48 else 8  # full-width 512-bit pipes, or halves
    core_peak = FMA_PIPES * lanes * 2 * hz
    cpus = peak["cpus"]
    all_peak = cpus * core_peak
    gf = flops["flops"] / 1e9
    both = peak["fma512_flops_all_cpus"] / peak["fma512_flops"]
    ort_p50 = {r["threads"]: forward_p50(r)
               for r in load(os.path.join(d, "scaling-resnet18.json"))["runs"]
               if r["backend"] == "onnxruntime" and r["concurrency"] == 1}
    ort_speedup = ort_p50[1] / ort_p50[2]
    w("### 3. Achieved GFLOP/s on resnet18 against the CPU's fp32 peak")
    w("")
    by_op = ", ".join(f"{op} {v / 1e9:.3f}" for op, v in sorted(flops["by_op"].items()))
    w(f"FLOPs (`{steps['flops']['cmd']}`): **{gf:.3f} GFLOP** per image ({by_op}); Conv counted "
      "as 2·Cout·(Cin/group)·kh·kw·Hout·Wout, Gemm/MatMul as 2·M·N·K, shapes from ONNX shape "
      "inference. Not counted: bias adds, Relu, Add, pooling (memory-bound, well under 1 % of "
      "these FLOPs).")
    w("")
    w(f"Peak (`{steps['peak']['cmd']}`, load {load_of('peak')}): usable cores × FMA pipes × "
      "fp32 lanes per pipe × 2 × clock. The clock, from a chain of dependent integer adds (one "
      f"per cycle, best of several tries), is **{hz / 1e9:.2f} GHz** (/proc/cpuinfo's nominal "
      f"{float(peak['cpuinfo_mhz']) / 1000:.2f} GHz is the hypervisor's TSC rate, not the "
      "clock). One thread of independent `vfmadd231ps` reaches "
      f"{peak['fma256_flops'] / 1e9:.0f} GFLOP/s on ymm ({peak['fma256_flops'] / hz:.1f} "
      f"FLOP/cycle) and {peak['fma512_flops'] / 1e9:.0f} GFLOP/s on zmm ({per_cycle_512:.1f} "
      f"FLOP/cycle): so this {arch} core has {FMA_PIPES} FMA pipes of {lanes * 32} bits "
      f"({lanes} fp32 lanes each)"
      + (", not Zen 4's two 256-bit pipes that split a 512-bit FMA in two" if lanes == 16 else "")
      + f". Peak per core = {FMA_PIPES} × {lanes} × 2 × {hz / 1e9:.2f} GHz = "
      f"**{core_peak / 1e9:.0f} GFLOP/s**; for the {cpus} CPUs, taken as {cpus} full cores, "
      f"**{all_peak / 1e9:.0f} GFLOP/s**. (Both threads of the FMA loop together reached "
      f"{peak['fma512_flops_all_cpus'] / 1e9:.0f} GFLOP/s in this run, "
      f"{both:.2f}x one thread"
      + (": two cores' worth of FMA pipes.)" if both > 1.7 else
         ": the second CPU is shared with the machine's other work, or the two vCPUs share a "
         "core. " + (f"ONNX Runtime's {ort_speedup:.2f}x from 1 to 2 threads on resnet18 in item 4 argues "
         "for two cores.)" if ort_speedup > 1.5 else
         f"Item 4 cannot tell in this run: ONNX Runtime's 1 → 2 threads on resnet18 gave "
         f"{ort_speedup:.2f}x under this load; on a quieter machine it gave 1.92x (18.92 → "
         "9.83 ms, the table of XNNPACK and OpenCV DNN against ONNX Runtime above), which "
         "argues for two cores.)")))
    w("")
    w(f"Command: `{steps['gflops']['cmd']}` (load {load_of('gflops')}), each backend at its "
      "default threads, concurrency 1; the 1-thread and throughput rows are item 4's.")
    w("")
    w(f"| backend | configuration | forward p50 | GFLOP/s | % of peak ({cpus} cores, "
      f"{all_peak / 1e9:.0f}) | % of one core's peak ({core_peak / 1e9:.0f}) |")
    w("|---|---|---|---|---|---|")
    default_p50 = {}
    for run in load(os.path.join(d, "gflops.json"))["runs"]:
        t = forward_p50(run)
        default_p50[run["backend"]] = t
        g = gf / (t / 1000)
        w(f"| {run['backend']} | default threads, 1 call at a time | {ms(t)} | {g:.0f} | "
          f"{100 * g / (all_peak / 1e9):.0f} % | |")
    sc = load(os.path.join(d, "scaling-resnet18.json"))["runs"]
    for run in sc:
        if run["threads"] == 1 and run["concurrency"] == 1:
            t = forward_p50(run)
            g = gf / (t / 1000)
            w(f"| {run['backend']} | 1 thread, 1 call at a time | {ms(t)} | {g:.0f} | "
              f"{100 * g / (all_peak / 1e9):.0f} % | {100 * g / (core_peak / 1e9):.0f} % |")
    for run in sc:
        if run["threads"] == 1 and run["concurrency"] == 2:
            g = gf * run["forward"]["throughput_per_s"]
            w(f"| {run['backend']} | 1 thread × 2 workers (throughput) | "
              f"{ms(forward_p50(run))} | {g:.0f} | {100 * g / (all_peak / 1e9):.0f} % | |")
    w("")
    if abs(default_p50.get("onnxruntime", 0) / ort_p50[1] - 1) < 0.1:
        w("ONNX Runtime's default ran like 1 thread here: its default is one intra-op thread per "
          "physical core, and on this VM it evidently counts one"
          + (f" (2 threads: {ort_speedup:.2f}x faster in item 4)." if ort_speedup > 1.5 else "."))
        w("")

    # 4. -------------------------------------------------------------------
    w("### 4. Scaling with threads and concurrency")
    w("")
    w("`nnport bench MODEL --backends onnxruntime,xnnpack --threads 1,2 --concurrency 1,2 "
      "--input …npy --duration 2 --json` (the backends alternate in chunks; each worker has its "
      "own wrapper). threads × workers above the 2 CPUs measures contention (nnport bench says "
      "so). Throughput: calls per second over all workers; speedup against 1 thread × 1 worker "
      "of the same backend.")
    w("")
    w("| model | backend | threads | workers | forward p50 | p90 | throughput | speedup | load |")
    w("|---|---|---|---|---|---|---|---|---|")
    for m in ("resnet18", "mobilenet_v2"):
        runs = load(os.path.join(d, f"scaling-{m}.json"))["runs"]
        base = {r["backend"]: r["forward"]["throughput_per_s"] for r in runs
                if r["threads"] == 1 and r["concurrency"] == 1}
        for r in sorted(runs, key=lambda r: (r["backend"], r["threads"], r["concurrency"])):
            f = r["forward"]
            w(f"| {m} | {r['backend']} | {r['threads']} | {r['concurrency']} | "
              f"{ms(f['p50_ms'])} | {ms(f['p90_ms'])} | {f['throughput_per_s']:.1f}/s | "
              f"{f['throughput_per_s'] / base[r['backend']]:.2f}x | {load_of('scaling ' + m)} |")
    w("")

    block = "\n".join(L)
    if not args.write:
        print(block)
        return
    with open(args.write) as f:
        doc = f.read()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    else:
        head, tail = doc.rstrip("\n") + "\n\n", "\n"
    with open(args.write, "w") as f:
        f.write(head + BEGIN + "\n" + block + "\n" + END + tail)


if __name__ == "__main__":
    sys.exit(main())
