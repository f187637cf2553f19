# A misspelt key: an error, never "no fault".
backend_config = dict(type='faulty', perturb_nod='conv2')
