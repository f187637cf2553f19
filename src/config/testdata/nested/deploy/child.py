_base_ = ['../common/mid.py']
onnx_config = dict(opset_version=17, dynamic_axes={'input': {0: 'batch'}})
