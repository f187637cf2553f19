_base_ = ['./classification_static.py', '../_base_/backends/xnnpack.py']
