"""nnport: deploy ONNX models to inference backends, from Python.

MMDeploy's backend API over nnport's C++ core, with numpy arrays as tensors::

    import numpy as np
    import nnport

    manager = nnport.get_backend_manager('onnxruntime')
    print(manager.is_available(), manager.get_version())
    info = nnport.convert('configs/generic/generic_onnxruntime_static.py',
                          'model.onnx', 'work/model', overwrite=True)
    wrapper = nnport.load_work_dir('work/model')
    outputs = wrapper.forward({'input': np.zeros((1, 3, 224, 224), np.float32)})
    result = nnport.verify('work/model', reference='onnxruntime')
    assert result['pass']

Errors are exceptions carrying the C++ message: ValueError for bad
arguments, TypeError for an input of the wrong element type (nnport never
casts), FileNotFoundError for missing files, RuntimeError when a backend
fails. See docs/python.md.
"""

import functools as _functools
import json as _json
import os as _os
import tempfile as _tempfile
import time as _time

from . import _nnport
from ._nnport import (  # noqa: F401  (re-exported)
    LOG_DEBUG,
    LOG_ERROR,
    LOG_INFO,
    LOG_WARNING,
    BackendManager,
    Wrapper,
    get_backend_manager,
    list_backends,
    load_work_dir,
    read_deploy_info,
    read_npy,
    verify,
)
from ._nnport import TimeCounter as _TimeCounter

__version__ = _nnport.__version__

__all__ = [
    'Backend', 'BackendManager', 'Config', 'TimeCounter', 'Wrapper', 'convert',
    'get_backend_manager', 'list_backends', 'load_plugin', 'load_work_dir',
    'read_deploy_info', 'read_npy', 'verify', 'LOG_DEBUG', 'LOG_INFO', 'LOG_WARNING',
    'LOG_ERROR', '__version__',
]


# ---- Config ----------------------------------------------------------------

class Config(dict):
    """A deploy config: a dict (keys in file order) with attribute access.

    ``Config.fromfile(path)`` reads ``.py`` (Python literals, never executed),
    ``.json`` and ``.yaml`` files with the CLI's reader: ``_base_`` files are
    merged as mmengine does and ``cfg_options`` (``'a.b=value'``) applied.
    A Config (or any dict) is accepted wherever a ``deploy_cfg`` is.
    """

    def __init__(self, *args, filename=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in list(self.items()):
            dict.__setitem__(self, key, _wrap(value))
        object.__setattr__(self, 'filename', filename)

    @classmethod
    def fromfile(cls, filename, cfg_options=None):
        """Load ``filename`` as ``nnport config`` / ``convert`` do.

        cfg_options: a list of ``'key.path=value'`` overrides (value parsed as
        a Python literal, else a string), or a dict ``{'key.path': value}``.
        FileNotFoundError for a missing file, ValueError for a bad one (the
        message names the file, line and column).
        """
        if isinstance(cfg_options, dict):
            cfg_options = ['%s=%s' % (k, _option_text(v)) for k, v in cfg_options.items()]
        data, warnings = _nnport._load_config(filename, cfg_options)
        cfg = cls(data, filename=_os.fspath(filename))
        object.__setattr__(cfg, 'warnings', list(warnings))
        return cfg

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError("config has no key '%s'" % name) from None

    def __setattr__(self, name, value):
        self[name] = value

    def __setitem__(self, key, value):
        super().__setitem__(key, _wrap(value))

    def to_dict(self):
        """A plain dict (nested Configs as dicts)."""
        return _json.loads(_json.dumps(self))

    def dump(self):
        """The config as the JSON text nnport hands to backends."""
        return _nnport._dump_config(self)

    def __repr__(self):
        return 'Config(%s)' % dict.__repr__(self)


def _wrap(value):
    if isinstance(value, dict) and not isinstance(value, Config):
        return Config(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _option_text(value):
    if isinstance(value, str):
        return value
    return repr(value)  # a Python literal, as the config reader parses it


# ---- Backend names -----------------------------------------------------------

class _BackendMeta(type):
    """Makes ``Backend`` act like MMDeploy's enum, read from the registry live:
    names added by ``load_plugin`` appear as soon as the plugin is loaded."""

    def _names(cls):
        return list(_nnport._known_backend_names())

    def __getattr__(cls, attr):
        if attr.isupper():
            value = attr.lower()
            if value in cls._names():
                return cls(value)
        raise AttributeError("nnport.Backend has no member '%s' (known: %s)"
                             % (attr, ', '.join(n.upper() for n in cls._names())))

    def __iter__(cls):
        return iter([cls(n) for n in cls._names()])

    def __len__(cls):
        return len(cls._names())

    def __contains__(cls, item):
        return str(item) in cls._names()

    def __dir__(cls):
        return sorted(set(type.__dir__(cls)) | {n.upper() for n in cls._names()})


class Backend(str, metaclass=_BackendMeta):
    """Backend names (MMDeploy's ``Backend`` enum): ``Backend.ONNXRUNTIME``,
    ``Backend('xnnpack')``, ``list(Backend)``. A member is its name as a str
    (``Backend.ONNXRUNTIME == 'onnxruntime'``) with ``.value`` and ``.name``.
    ``load_plugin`` extends it with the plugin's backend (MMDeploy's
    ``extend_enum``). An unknown name is a ValueError that lists the known ones.
    """

    def __new__(cls, value):
        value = value.value if isinstance(value, Backend) else value
        if not isinstance(value, str):
            raise ValueError('nnport.Backend: expected a backend name (str), got %s'
                             % type(value).__name__)
        names = _nnport._known_backend_names()
        if value not in names:
            raise ValueError("'%s' is not a valid nnport.Backend (known: %s)"
                             % (value, ', '.join(names)))
        return super().__new__(cls, value)

    @property
    def value(self):
        return str.__str__(self)

    @property
    def name(self):
        return str.__str__(self).upper()

    @classmethod
    def get(cls, value):
        """MMDeploy's ``AdvancedEnum.get``: the member whose value is ``value``."""
        return cls(value)

    def __repr__(self):
        return '<Backend.%s: %r>' % (self.name, self.value)

    def __str__(self):
        return self.value

    def __reduce__(self):
        return (Backend, (self.value,))


def load_plugin(path):
    """Load a backend plugin file (the CLI's ``--plugin``); its backend name joins
    ``nnport.Backend``. Returns the plugin's BackendManager. FileNotFoundError
    for a missing file; ValueError for a plugin nnport cannot use (the message
    says why: ABI version, no entry point, a duplicate name)."""
    return _nnport.load_plugin(path)


# ---- convert -----------------------------------------------------------------

def convert(deploy_cfg, model, work_dir, device='cpu', cfg_options=None, overwrite=False,
            load_check=True, log_level=LOG_INFO, calib_data=None):
    """``nnport convert`` from Python: MODEL (ONNX) with DEPLOY_CFG into WORK_DIR.

    deploy_cfg: a config file path, or a Config / dict (written to a temporary
    JSON file for the conversion; deploy.json then names that file). The model
    passes ONNX's checker, the backend converts it, the backend loads the
    result once (``load_check``), and only then is the work dir put in place:
    a failure leaves none behind. An existing non-empty work dir is refused
    unless ``overwrite`` and nnport wrote it. Returns what deploy.json says
    (a dict: backend, backend_files, input_names, output_names, ...).
    calib_data: the calibration data of precision='int8' (``--calib-data``:
    a folder of per-input .npy folders, a folder of images, or an HDF5 file).
    """
    if isinstance(deploy_cfg, dict):
        fd, path = _tempfile.mkstemp(prefix='nnport-deploy-cfg-', suffix='.json')
        try:
            with _os.fdopen(fd, 'w') as f:
                f.write(_nnport._dump_config(deploy_cfg))
            return _nnport._convert(path, model, work_dir, device, cfg_options, overwrite,
                                    load_check, _level(log_level), calib_data)
        finally:
            _os.unlink(path)
    if not isinstance(deploy_cfg, (str, _os.PathLike)):
        raise ValueError('deploy_cfg: expected a path, nnport.Config or a dict, got %s'
                         % type(deploy_cfg).__name__)
    return _nnport._convert(_os.fspath(deploy_cfg), model, work_dir, device, cfg_options,
                            overwrite, load_check, _level(log_level), calib_data)


def _level(level):
    names = {'DEBUG': LOG_DEBUG, 'INFO': LOG_INFO, 'WARNING': LOG_WARNING, 'WARN': LOG_WARNING,
             'ERROR': LOG_ERROR}
    if isinstance(level, str):
        if level.upper() not in names:
            raise ValueError("log_level: '%s' is not one of DEBUG, INFO, WARNING, ERROR" % level)
        return names[level.upper()]
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError('log_level: expected a logging level (int, e.g. logging.INFO) or a name')
    return level


# ---- TimeCounter ---------------------------------------------------------------

class TimeCounter(_TimeCounter):
    """MMDeploy's TimeCounter (docs/timer.md): named timers, off until
    activated. Every Wrapper's engine call is timed under its backend's name::

        with nnport.TimeCounter.activate('onnxruntime', warmup=5, log_interval=10):
            for _ in range(25):
                wrapper.forward(inputs)
        nnport.TimeCounter.print_stats('onnxruntime')

    ``count_time(name)`` decorates a Python function so its calls are timed
    under ``name`` while that timer is active.
    """

    @staticmethod
    def count_time(name):
        def decorate(fn):
            @_functools.wraps(fn)
            def timed(*args, **kwargs):
                if not _TimeCounter.active(name):
                    return fn(*args, **kwargs)
                start = _time.perf_counter()
                result = fn(*args, **kwargs)
                _TimeCounter.record(name, (_time.perf_counter() - start) * 1e3)
                return result
            return timed
        return decorate
