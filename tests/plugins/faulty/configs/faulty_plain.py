# The faulty backend with no fault: it runs the model on onnxruntime unchanged.
backend_config = dict(type='faulty')
