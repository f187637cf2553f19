backend_config = dict(type=os.getenv('BACKEND'))
