# The ONNX export settings every deploy config starts from (MMDeploy's
# configs/_base_/onnx_config.py). nnport takes an ONNX model that is already
# exported, so these describe it: save_file names the IR file in the work dir,
# input_shape is [W, H] (None: not fixed), dynamic_axes marks dynamic dims.
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['output'],
    input_shape=None,
    optimize=True)
