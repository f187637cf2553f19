# ONNX Runtime (CPU). Every key below is optional; the defaults are shown in
# docs/backends/onnxruntime.md (intra_op_num_threads=0 means ONNX Runtime's
# own default, one thread per physical core).
backend_config = dict(type='onnxruntime')
