_base_ = ['./classification_dynamic.py', '../_base_/backends/xnnpack.py']
