# perturb_delta must be a number.
backend_config = dict(type='faulty', perturb_node='conv2', perturb_delta='x')
