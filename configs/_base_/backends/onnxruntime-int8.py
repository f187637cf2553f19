# ONNX Runtime with int8 weights and activations (QDQ, fused into ONNX
# Runtime's integer kernels). `nnport convert` calibrates on --calib-data,
# checks the int8 model against fp32 on held-back samples and writes
# quantization.json beside it. Every key of `quantization` is described, with
# its default, in docs/quantization.md.
_base_ = ['./onnxruntime.py']

backend_config = dict(
    precision='int8',
    quantization=dict(
        method='minmax',        # or 'percentile' or 'entropy'
        percentile=99.999,      # method='percentile': the share of values the range keeps
        per_channel=True,       # int8 weight scales per output channel
        reduce_range=False,     # True: 7-bit weights, for x86 CPUs without VNNI
        op_block_list=None,     # op types kept in float, e.g. ['Add']
        node_block_list=None,   # node names kept in float
        num_samples=None,       # None: every calibration sample
        holdout=0.2,            # share of the samples kept back for the accuracy check
        accuracy=dict(metric='cosine', min=0.99),
        fallback_to_float=False,  # True: on a miss, keep layers in float one by one
        max_fallback_nodes=8))

# MMDeploy's calibration file: with create_calib=True, --calib-data is also
# saved into the work dir as calib_file (HDF5) for the next conversion.
calib_config = dict(create_calib=False, calib_file=None)
