# faulty_branches.onnx: branch a (a_conv, a_relu) and join diverge, branch b stays exact.
backend_config = dict(type='faulty', perturb_node='a_conv')
