# A deploy config for the CLI tests, built by _base_ inheritance.
_base_ = ['./ort_base.py']
codebase_config = dict(type='mmpretrain', task='Classification')
onnx_config = dict(
    type='onnx',
    export_params=True,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['output'],
    input_shape=None,
)
