import CHDF5
import Foundation

/// The system HDF5 library (`libhdf5_serial.so.103`, Debian package `libhdf5-103-1`; or the file
/// named by `TESSERA_HDF5_LIBRARY`), opened with `dlopen` the first time a file is read.
///
/// The serial build of libhdf5 is not thread-safe, so every call goes through ``locked(_:)``.
/// Its automatic printing of error stacks to stderr is turned off: failures become thrown
/// ``FileFormatError``s that name the file and the object.
final class HDF5Library: @unchecked Sendable {
    // @unchecked: the function pointers are set once in `init`; calls are serialised by `lock`.

    /// The library, or `nil` where it cannot be loaded.
    static let shared: HDF5Library? = HDF5Library()

    /// The Debian package that provides the library, for error messages.
    static let debianPackage = "libhdf5-103-1"

    /// The names tried, in order (after `TESSERA_HDF5_LIBRARY`).
    static let candidateNames = ["libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5_serial.so.200", "libhdf5.so.200",
                                 "libhdf5_serial.so.310", "libhdf5.so.310", "libhdf5.so", "libhdf5.dylib"]

    let setAutomaticErrorPrinting: tessera_h5_set_auto_fn
    let fileOpen: tessera_h5_fopen_fn
    let fileClose: tessera_h5_close_fn
    let linkExists: tessera_h5_exists_fn
    let objectOpen: tessera_h5_open_fn
    let objectClose: tessera_h5_close_fn
    let identifierType: tessera_h5_int_fn
    let datasetOpen: tessera_h5_open_fn
    let datasetClose: tessera_h5_close_fn
    let datasetSpace: tessera_h5_get_fn
    let datasetType: tessera_h5_get_fn
    let datasetCreationList: tessera_h5_get_fn
    let datasetRead: tessera_h5_dread_fn
    let spaceRank: tessera_h5_int_fn
    let spaceDimensions: tessera_h5_extent_dims_fn
    let spaceSelectHyperslab: tessera_h5_select_hyperslab_fn
    let spaceCreateSimple: tessera_h5_create_simple_fn
    let spaceClose: tessera_h5_close_fn
    let typeClass: tessera_h5_int_fn
    let typeSize: tessera_h5_size_fn
    let typeSign: tessera_h5_int_fn
    let typeOrder: tessera_h5_int_fn
    let typeMemberCount: tessera_h5_int_fn
    let typeMemberName: tessera_h5_member_name_fn
    let typeMemberOffset: tessera_h5_member_offset_fn
    let typeMemberType: tessera_h5_member_type_fn
    let typeSuper: tessera_h5_get_fn
    let typeArrayRank: tessera_h5_int_fn
    let typeArrayDimensions: tessera_h5_array_dims_fn
    let typeIsVariableString: tessera_h5_int_fn
    let typeClose: tessera_h5_close_fn
    let attributeExists: tessera_h5_attribute_exists_fn
    let attributeOpen: tessera_h5_open_fn
    let attributeType: tessera_h5_get_fn
    let attributeSpace: tessera_h5_get_fn
    let attributeRead: tessera_h5_attribute_read_fn
    let attributeClose: tessera_h5_close_fn
    let propertyFilterCount: tessera_h5_int_fn
    let propertyFilter: tessera_h5_get_filter_fn
    let propertyClose: tessera_h5_close_fn
    let filterAvailable: tessera_h5_filter_available_fn
    let freeMemory: tessera_h5_free_fn

    private let lock = NSLock()

    private init?() {
        var names = Self.candidateNames
        if let custom = ProcessInfo.processInfo.environment["TESSERA_HDF5_LIBRARY"], !custom.isEmpty { names.insert(custom, at: 0) }
        guard let library = SharedLibrary(candidates: names, codec: "hdf5"),
              let open = library.symbol("H5open", as: tessera_h5_void_fn.self),
              let setAuto = library.symbol("H5Eset_auto2", as: tessera_h5_set_auto_fn.self),
              let fileOpen = library.symbol("H5Fopen", as: tessera_h5_fopen_fn.self),
              let fileClose = library.symbol("H5Fclose", as: tessera_h5_close_fn.self),
              let linkExists = library.symbol("H5Lexists", as: tessera_h5_exists_fn.self),
              let objectOpen = library.symbol("H5Oopen", as: tessera_h5_open_fn.self),
              let objectClose = library.symbol("H5Oclose", as: tessera_h5_close_fn.self),
              let identifierType = library.symbol("H5Iget_type", as: tessera_h5_int_fn.self),
              let datasetOpen = library.symbol("H5Dopen2", as: tessera_h5_open_fn.self),
              let datasetClose = library.symbol("H5Dclose", as: tessera_h5_close_fn.self),
              let datasetSpace = library.symbol("H5Dget_space", as: tessera_h5_get_fn.self),
              let datasetType = library.symbol("H5Dget_type", as: tessera_h5_get_fn.self),
              let datasetCreationList = library.symbol("H5Dget_create_plist", as: tessera_h5_get_fn.self),
              let datasetRead = library.symbol("H5Dread", as: tessera_h5_dread_fn.self),
              let spaceRank = library.symbol("H5Sget_simple_extent_ndims", as: tessera_h5_int_fn.self),
              let spaceDimensions = library.symbol("H5Sget_simple_extent_dims", as: tessera_h5_extent_dims_fn.self),
              let spaceSelectHyperslab = library.symbol("H5Sselect_hyperslab", as: tessera_h5_select_hyperslab_fn.self),
              let spaceCreateSimple = library.symbol("H5Screate_simple", as: tessera_h5_create_simple_fn.self),
              let spaceClose = library.symbol("H5Sclose", as: tessera_h5_close_fn.self),
              let typeClass = library.symbol("H5Tget_class", as: tessera_h5_int_fn.self),
              let typeSize = library.symbol("H5Tget_size", as: tessera_h5_size_fn.self),
              let typeSign = library.symbol("H5Tget_sign", as: tessera_h5_int_fn.self),
              let typeOrder = library.symbol("H5Tget_order", as: tessera_h5_int_fn.self),
              let typeMemberCount = library.symbol("H5Tget_nmembers", as: tessera_h5_int_fn.self),
              let typeMemberName = library.symbol("H5Tget_member_name", as: tessera_h5_member_name_fn.self),
              let typeMemberOffset = library.symbol("H5Tget_member_offset", as: tessera_h5_member_offset_fn.self),
              let typeMemberType = library.symbol("H5Tget_member_type", as: tessera_h5_member_type_fn.self),
              let typeSuper = library.symbol("H5Tget_super", as: tessera_h5_get_fn.self),
              let typeArrayRank = library.symbol("H5Tget_array_ndims", as: tessera_h5_int_fn.self),
              let typeArrayDimensions = library.symbol("H5Tget_array_dims2", as: tessera_h5_array_dims_fn.self),
              let typeIsVariableString = library.symbol("H5Tis_variable_str", as: tessera_h5_int_fn.self),
              let typeClose = library.symbol("H5Tclose", as: tessera_h5_close_fn.self),
              let attributeExists = library.symbol("H5Aexists", as: tessera_h5_attribute_exists_fn.self),
              let attributeOpen = library.symbol("H5Aopen", as: tessera_h5_open_fn.self),
              let attributeType = library.symbol("H5Aget_type", as: tessera_h5_get_fn.self),
              let attributeSpace = library.symbol("H5Aget_space", as: tessera_h5_get_fn.self),
              let attributeRead = library.symbol("H5Aread", as: tessera_h5_attribute_read_fn.self),
              let attributeClose = library.symbol("H5Aclose", as: tessera_h5_close_fn.self),
              let propertyFilterCount = library.symbol("H5Pget_nfilters", as: tessera_h5_int_fn.self),
              let propertyFilter = library.symbol("H5Pget_filter2", as: tessera_h5_get_filter_fn.self),
              let propertyClose = library.symbol("H5Pclose", as: tessera_h5_close_fn.self),
              let filterAvailable = library.symbol("H5Zfilter_avail", as: tessera_h5_filter_available_fn.self),
              let freeMemory = library.symbol("H5free_memory", as: tessera_h5_free_fn.self),
              open() >= 0
        else { return nil }
        self.setAutomaticErrorPrinting = setAuto
        self.fileOpen = fileOpen
        self.fileClose = fileClose
        self.linkExists = linkExists
        self.objectOpen = objectOpen
        self.objectClose = objectClose
        self.identifierType = identifierType
        self.datasetOpen = datasetOpen
        self.datasetClose = datasetClose
        self.datasetSpace = datasetSpace
        self.datasetType = datasetType
        self.datasetCreationList = datasetCreationList
        self.datasetRead = datasetRead
        self.spaceRank = spaceRank
        self.spaceDimensions = spaceDimensions
        self.spaceSelectHyperslab = spaceSelectHyperslab
        self.spaceCreateSimple = spaceCreateSimple
        self.spaceClose = spaceClose
        self.typeClass = typeClass
        self.typeSize = typeSize
        self.typeSign = typeSign
        self.typeOrder = typeOrder
        self.typeMemberCount = typeMemberCount
        self.typeMemberName = typeMemberName
        self.typeMemberOffset = typeMemberOffset
        self.typeMemberType = typeMemberType
        self.typeSuper = typeSuper
        self.typeArrayRank = typeArrayRank
        self.typeArrayDimensions = typeArrayDimensions
        self.typeIsVariableString = typeIsVariableString
        self.typeClose = typeClose
        self.attributeExists = attributeExists
        self.attributeOpen = attributeOpen
        self.attributeType = attributeType
        self.attributeSpace = attributeSpace
        self.attributeRead = attributeRead
        self.attributeClose = attributeClose
        self.propertyFilterCount = propertyFilterCount
        self.propertyFilter = propertyFilter
        self.propertyClose = propertyClose
        self.filterAvailable = filterAvailable
        self.freeMemory = freeMemory
    }

    /// Runs `body` holding the library's lock (libhdf5's serial build allows one caller at a time).
    ///
    /// The automatic printing of error stacks is turned off on the calling thread first: a
    /// thread-safe libhdf5 (Debian's is) keeps that setting per thread.
    func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        _ = setAutomaticErrorPrinting(hid_t(TESSERA_H5E_DEFAULT), nil, nil)
        return try body()
    }

    /// The loaded library, or an error naming `path` and the package to install.
    static func require(for path: String) throws -> HDF5Library {
        guard let library = shared else {
            throw FileFormatError(path: path, message: "reading HDF5 needs the HDF5 library (libhdf5_serial.so.103), "
                + "which could not be loaded: install the Debian package \(debianPackage) "
                + "(or set TESSERA_HDF5_LIBRARY to the library's path).")
        }
        return library
    }
}
