_base_ = 'mmdet::faster_rcnn.py'
