@_exported import Backends
@_exported import NumPyBackend
@_exported import PandasBackend
@_exported import FileFormats
@_exported import TaskGraph
@_exported import CUDARuntime
@_exported import CuPyBackend
@_exported import CuDFBackend
