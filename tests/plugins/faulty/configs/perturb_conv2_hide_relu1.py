# Adds 0.5 to conv2's output, and relu1_out cannot be a graph output (as if
# fused away): a cut right after relu1 does not convert.
backend_config = dict(type='faulty', perturb_node='conv2', fail_output='relu1_out')
