_base_ = './base.py'
shape = {{_base_.onnx_config.input_shape}}
first = {{ _base_.onnx_config.input_shape.0 }}
quoted = '{{_base_.onnx_config.opset_version}}'
save_file = 'model_{{_base_.name}}_{{ _base_.onnx_config.opset_version }}.onnx'
nested = dict(s=[{{_base_.name}}])
