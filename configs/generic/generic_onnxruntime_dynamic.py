_base_ = ['./generic_dynamic.py', '../_base_/backends/onnxruntime.py']
