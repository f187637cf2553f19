# ONNX Runtime with the graph optimized once, at convert time: to_backend
# writes <work_dir>/<stem>.ort.onnx and the wrapper loads that file.
# 'extended' keeps the saved model free of layout changes tied to this CPU's
# instruction set; 'all' is faster to load but only portable to the same CPU.
_base_ = ['./onnxruntime.py']
backend_config = dict(optimize_offline=True, graph_optimization_level='extended')
