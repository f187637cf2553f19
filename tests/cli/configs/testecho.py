# The core tests' echo plugin, loaded with --plugin: a third party's backend.
backend_config = dict(type='testecho')
