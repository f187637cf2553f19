"""Type stubs for nnport (see docs/python.md)."""
import os
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, TypeVar, Union

from ._nnport import LOG_DEBUG as LOG_DEBUG
from ._nnport import LOG_ERROR as LOG_ERROR
from ._nnport import LOG_INFO as LOG_INFO
from ._nnport import LOG_WARNING as LOG_WARNING
from ._nnport import BackendManager as BackendManager
from ._nnport import Wrapper as Wrapper
from ._nnport import get_backend_manager as get_backend_manager
from ._nnport import list_backends as list_backends
from ._nnport import load_work_dir as load_work_dir
from ._nnport import read_deploy_info as read_deploy_info
from ._nnport import read_npy as read_npy
from ._nnport import verify as verify
from ._nnport import TimeCounter as _NativeTimeCounter

__version__: str
_F = TypeVar('_F', bound=Callable[..., Any])

class Config(Dict[str, Any]):
    filename: Optional[str]
    warnings: List[str]
    def __init__(self, *args: Any, filename: Optional[str] = None, **kwargs: Any) -> None: ...
    @classmethod
    def fromfile(cls, filename: Union[str, os.PathLike],
                 cfg_options: Union[None, Sequence[str], Mapping[str, Any]] = None) -> 'Config': ...
    def __getattr__(self, name: str) -> Any: ...
    def __setattr__(self, name: str, value: Any) -> None: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def dump(self) -> str: ...

class _BackendMeta(type):
    def __getattr__(cls, attr: str) -> 'Backend': ...
    def __iter__(cls) -> Iterator['Backend']: ...
    def __len__(cls) -> int: ...
    def __contains__(cls, item: object) -> bool: ...

class Backend(str, metaclass=_BackendMeta):
    TENSORRT: 'Backend'
    ONNXRUNTIME: 'Backend'
    PPLNN: 'Backend'
    NCNN: 'Backend'
    SNPE: 'Backend'
    OPENVINO: 'Backend'
    TORCHSCRIPT: 'Backend'
    RKNN: 'Backend'
    ASCEND: 'Backend'
    COREML: 'Backend'
    TVM: 'Backend'
    VACC: 'Backend'
    SDK: 'Backend'
    PYTORCH: 'Backend'
    DEFAULT: 'Backend'
    OPENCV: 'Backend'
    XNNPACK: 'Backend'
    def __new__(cls, value: Union[str, 'Backend']) -> 'Backend': ...
    @property
    def value(self) -> str: ...
    @property
    def name(self) -> str: ...
    @classmethod
    def get(cls, value: str) -> 'Backend': ...

def load_plugin(path: Union[str, os.PathLike]) -> BackendManager: ...

def convert(deploy_cfg: Union[str, os.PathLike, Mapping[str, Any]], model: Union[str, os.PathLike],
            work_dir: Union[str, os.PathLike], device: str = 'cpu',
            cfg_options: Optional[Sequence[str]] = None, overwrite: bool = False,
            load_check: bool = True, log_level: Union[int, str] = 20,
            calib_data: Optional[Union[str, os.PathLike]] = None) -> Dict[str, Any]: ...

class TimeCounter(_NativeTimeCounter):
    @staticmethod
    def count_time(name: str) -> Callable[[_F], _F]: ...
