# Image classification with a dynamic batch axis.
_base_ = ['./classification_static.py']

onnx_config = dict(
    dynamic_axes={
        'input': {
            0: 'batch',
        },
        'output': {
            0: 'batch',
        },
    })
