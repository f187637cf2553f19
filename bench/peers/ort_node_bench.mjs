// The ONNX Runtime that Node.js users call (npm's onnxruntime-node, pinned in
// package-lock.json): one session, InferenceSession.run in a loop, the median
// wall time per call as JSON. bench/performance.sh compares it with
// `nnport bench --json` on the same model and thread count.
//
//   node ort_node_bench.mjs MODEL.onnx INPUTS_DIR [--threads N] [--warmup N]
//     [--duration S | --runs N]
//
// Times calls for --duration seconds (default 3, as `nnport bench`), or --runs calls.
//
// INPUTS_DIR holds <input name>.npy (float32 or int64, little-endian, C order).
// Session options are ONNX Runtime's defaults except the intra-op threads,
// which are set like nnport's: inter-op 1, graph optimization 'all',
// sequential execution; spinning stays at ORT's default (on), as in nnport.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';

function parseArgs(argv) {
  const a = {threads: 1, warmup: 10, runs: 0, duration: 3, positional: []};
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    if (['--threads', '--warmup', '--runs', '--duration'].includes(k)) {
      a[k.slice(2)] = Number(argv[++i]);
    } else {
      a.positional.push(k);
    }
  }
  if (a.positional.length !== 2) {
    console.error('usage: node ort_node_bench.mjs MODEL.onnx INPUTS_DIR [--threads N] [--warmup N] [--duration S | --runs N]');
    process.exit(2);
  }
  return a;
}

// Reads a .npy file (format 1.x/2.x, '<f4' or '<i8', C order) as an ort.Tensor.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim())
      .filter((s) => s !== '').map(Number);
  const data = buf.subarray(start + headerLen);
  // Copy into an aligned ArrayBuffer of its own.
  const bytes = new Uint8Array(data.length);
  bytes.set(data);
  if (descr === '<f4') return new ort.Tensor('float32', new Float32Array(bytes.buffer), shape);
  if (descr === '<i8') return new ort.Tensor('int64', new BigInt64Array(bytes.buffer), shape);
  throw new Error(`${file}: dtype ${descr} not handled`);
}


const args = parseArgs(process.argv.slice(2));
const [modelPath, inputsDir] = args.positional;
const t0 = process.hrtime.bigint();
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: args.threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
});
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const feeds = {};
for (const name of session.inputNames) feeds[name] = readNpy(path.join(inputsDir, `${name}.npy`));

for (let i = 0; i < args.warmup; ++i) await session.run(feeds);
const samples = [];
const end = process.hrtime.bigint() + BigInt(Math.round(args.duration * 1e9));
while (args.runs > 0 ? samples.length < args.runs : process.hrtime.bigint() < end) {
  const a = process.hrtime.bigint();
  await session.run(feeds);
  samples.push(Number(process.hrtime.bigint() - a) / 1e6);
}
await session.release();
const sorted = Float64Array.from(samples).sort();  // (Math.min(...v) overflows the stack)

const pkg = JSON.parse(fs.readFileSync(
    new URL('./node_modules/onnxruntime-node/package.json', import.meta.url), 'utf8'));
console.log(JSON.stringify({
  peer: 'onnxruntime-node',
  version: pkg.version,
  node: process.version,
  model: modelPath,
  threads: args.threads,
  warmup: args.warmup,
  runs: samples.length,
  load_ms: loadMs,
  median_ms: sorted[Math.floor(sorted.length / 2)],
  min_ms: sorted[0],
  max_ms: sorted[sorted.length - 1],
  load_average_1m: os.loadavg()[0],
}));
