# Adds 0.5 to conv2's output: conv2 and everything after it diverge.
backend_config = dict(type='faulty', perturb_node='conv2')
