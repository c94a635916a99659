// The part of the HDF5 C API (libhdf5 1.10 and later) that Tessera's HDF5 reader calls: types,
// constants and function-pointer types only. Nothing is linked: the library is opened with dlopen
// at run time (FileFormats/HDF5/HDF5Library.swift), so Tessera builds and runs without it.
#ifndef TESSERA_CHDF5_H
#define TESSERA_CHDF5_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t hid_t;               // an identifier (64-bit since HDF5 1.10)
typedef int herr_t;                  // negative on failure
typedef int htri_t;                  // positive true, zero false, negative failure
typedef unsigned long long hsize_t;  // a size or dimension
typedef int H5Z_filter_t;            // a filter identifier

// Property lists, dataspaces and error stacks meaning "the default" / "all of it".
#define TESSERA_H5P_DEFAULT 0
#define TESSERA_H5S_ALL 0
#define TESSERA_H5E_DEFAULT 0
#define TESSERA_H5F_ACC_RDONLY 0u
#define TESSERA_H5S_SELECT_SET 0

// H5T_class_t
#define TESSERA_H5T_INTEGER 0
#define TESSERA_H5T_FLOAT 1
#define TESSERA_H5T_TIME 2
#define TESSERA_H5T_STRING 3
#define TESSERA_H5T_BITFIELD 4
#define TESSERA_H5T_OPAQUE 5
#define TESSERA_H5T_COMPOUND 6
#define TESSERA_H5T_REFERENCE 7
#define TESSERA_H5T_ENUM 8
#define TESSERA_H5T_VLEN 9
#define TESSERA_H5T_ARRAY 10

// H5T_sign_t and H5T_order_t
#define TESSERA_H5T_SGN_NONE 0
#define TESSERA_H5T_ORDER_LE 0
#define TESSERA_H5T_ORDER_BE 1

// Filters built into libhdf5, and the registered Blosc filter (a plugin).
#define TESSERA_H5Z_FILTER_DEFLATE 1
#define TESSERA_H5Z_FILTER_SHUFFLE 2
#define TESSERA_H5Z_FILTER_FLETCHER32 3
#define TESSERA_H5Z_FILTER_BLOSC 32001

typedef herr_t (*tessera_h5_void_fn)(void);
typedef herr_t (*tessera_h5_set_auto_fn)(hid_t estack, void *callback, void *client_data);
typedef hid_t (*tessera_h5_fopen_fn)(const char *name, unsigned flags, hid_t access_plist);
typedef herr_t (*tessera_h5_close_fn)(hid_t id);
typedef hid_t (*tessera_h5_open_fn)(hid_t location, const char *name, hid_t access_plist);
typedef htri_t (*tessera_h5_exists_fn)(hid_t location, const char *name, hid_t access_plist);
typedef hid_t (*tessera_h5_get_fn)(hid_t id);
typedef int (*tessera_h5_int_fn)(hid_t id);
typedef size_t (*tessera_h5_size_fn)(hid_t id);
typedef herr_t (*tessera_h5_dread_fn)(hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space,
                                      hid_t transfer_plist, void *buffer);
typedef int (*tessera_h5_extent_dims_fn)(hid_t space, hsize_t *dims, hsize_t *max_dims);
typedef herr_t (*tessera_h5_select_hyperslab_fn)(hid_t space, int op, const hsize_t *start, const hsize_t *stride,
                                                 const hsize_t *count, const hsize_t *block);
typedef hid_t (*tessera_h5_create_simple_fn)(int rank, const hsize_t *dims, const hsize_t *max_dims);
typedef char *(*tessera_h5_member_name_fn)(hid_t type, unsigned index);
typedef size_t (*tessera_h5_member_offset_fn)(hid_t type, unsigned index);
typedef hid_t (*tessera_h5_member_type_fn)(hid_t type, unsigned index);
typedef int (*tessera_h5_array_dims_fn)(hid_t type, hsize_t *dims);
typedef htri_t (*tessera_h5_attribute_exists_fn)(hid_t object, const char *name);
typedef herr_t (*tessera_h5_attribute_read_fn)(hid_t attribute, hid_t memory_type, void *buffer);
typedef H5Z_filter_t (*tessera_h5_get_filter_fn)(hid_t plist, unsigned index, unsigned *flags, size_t *value_count,
                                                 unsigned *values, size_t name_length, char *name, unsigned *config);
typedef htri_t (*tessera_h5_filter_available_fn)(H5Z_filter_t filter);
typedef herr_t (*tessera_h5_free_fn)(void *memory);

#endif
