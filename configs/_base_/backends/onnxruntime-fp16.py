# ONNX Runtime with float16 weights and activations: MMDeploy's
# onnxruntime-fp16.py. The common_config keys are those of MMDeploy's fp16
# pass; docs/fp16.md describes them and what stays float32.
_base_ = ['./onnxruntime.py']

backend_config = dict(
    precision='fp16',
    common_config=dict(
        min_positive_val=1e-7,
        max_finite_val=1e4,
        keep_io_types=False,
        op_block_list=None,
        node_block_list=None))
