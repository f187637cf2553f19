onnx_config = dict(input_shape=[224, 224], opset_version=11)
name = 'resnet'
