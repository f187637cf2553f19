_base_ = ['./classification_static.py', '../_base_/backends/onnxruntime-int8.py']

# A folder of images as --calib-data: resized to the input's size and
# normalized as mmpretrain's ImageNet models expect (docs/calibration-data.md).
calib_config = dict(
    image=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True))
