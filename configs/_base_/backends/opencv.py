# OpenCV DNN (4.6, CPU). to_backend rewrites the ONNX model for OpenCV's ONNX
# importer with these passes, in order (nnport's onnx_pass_names());
# docs/backends/opencv.md says what each fixes. num_threads=None keeps
# OpenCV's default (all cores); a number is process-global in OpenCV.
# split_batch: where OpenCV fails at batch > 1 on a model with a batch axis,
# run the samples one at a time instead of failing.
backend_config = dict(
    type='opencv',
    rewrites=['fold_constants', 'remove_identity', 'clip_to_attributes'],
    num_threads=None,
    split_batch=True)
