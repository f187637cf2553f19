# faulty_branches.onnx: join + 0.5, and gap and flat average it, so y is off by exactly 0.5.
backend_config = dict(type='faulty', perturb_node='join')
