# Adds 0.25 to the output of every Conv node.
backend_config = dict(type='faulty', perturb_op='Conv', perturb_delta=0.25)
