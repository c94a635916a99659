/*
 * The C ABI of a Tessera array backend built as its own shared library.
 *
 * Tessera finds such a backend by its label: when "array.backend" names a label nobody registered,
 * it looks in every folder of the "backends.path" configuration key (for example the environment
 * variable TESSERA_BACKENDS__PATH='["/opt/tessera/backends"]') for the file
 *
 *     libtessera-array-backend-<label>.so
 *
 * loads it with dlopen, and calls its exported function `tessera_array_backend_v1_entry`, which
 * returns a pointer to a static descriptor. No Swift, no registration call and no import in the
 * application are needed, which is what Python's entry points give Dask.
 *
 * A C ABI (rather than Swift types) is the convention because a shared library built separately
 * carries its own copy of any Swift module it links, so Swift protocol conformances cannot cross
 * the boundary reliably; plain C can, from any language.
 */
#ifndef TESSERA_BACKEND_H
#define TESSERA_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#define TESSERA_BACKEND_ABI_VERSION 1

/* Fills one float64 block of an array in row-major order.
 *   function:     the creation function: "ones", "zeros", "empty", "full" or "arange".
 *   params:       "full": {fill_value}; "arange": {start, step}; otherwise none.
 *   array_shape:  the whole array's shape (ndim values).
 *   block_offset: the position of the block's first element along each axis.
 *   block_shape:  the block's shape; `out` holds the product of it.
 * Returns 0 on success; otherwise writes a NUL-terminated message of at most error_capacity bytes
 * into `error` and returns nonzero. */
typedef int (*tessera_fill_float64_fn)(const char *function, const double *params, int64_t param_count,
                                       const int64_t *array_shape, const int64_t *block_offset,
                                       const int64_t *block_shape, int64_t ndim, double *out, char *error,
                                       size_t error_capacity);

typedef struct tessera_array_backend_v1 {
    /* TESSERA_BACKEND_ABI_VERSION. */
    uint32_t abi_version;
    /* The backend's label (must equal the label in the file name). */
    const char *label;
    /* The creation functions implemented, NULL-terminated; others throw BackendError.notImplemented. */
    const char *const *functions;
    /* Fills blocks for the functions listed. */
    tessera_fill_float64_fn fill_float64;
} tessera_array_backend_v1;

/* The type of the exported entry function `tessera_array_backend_v1_entry`. */
typedef const tessera_array_backend_v1 *(*tessera_array_backend_v1_entry_fn)(void);

#endif
