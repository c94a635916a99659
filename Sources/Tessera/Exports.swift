@_exported import Backends
@_exported import NumPyBackend
@_exported import TaskGraph
