/*
 * An example Tessera array backend built as its own shared library and found by its label,
 * "example": it implements `ones` and `arange` (as float64) and leaves the other creation functions
 * to throw BackendError.notImplemented. Build it with
 *
 *     cc -shared -fPIC -I Sources/CTesseraBackendABI/include \
 *        Examples/DynamicBackend/example_backend.c -o libtessera-array-backend-example.so
 */
#include "tessera_backend.h"

#include <stdio.h>
#include <string.h>

static const char *const example_functions[] = {"ones", "arange", NULL};

static int example_fill(const char *function, const double *params, int64_t param_count,
                        const int64_t *array_shape, const int64_t *block_offset, const int64_t *block_shape,
                        int64_t ndim, double *out, char *error, size_t error_capacity) {
    int64_t count = 1;
    for (int64_t axis = 0; axis < ndim; axis++) count *= block_shape[axis];
    if (strcmp(function, "ones") == 0) {
        for (int64_t i = 0; i < count; i++) out[i] = 1.0;
        return 0;
    }
    if (strcmp(function, "arange") == 0 && ndim == 1 && param_count == 2) {
        for (int64_t i = 0; i < count; i++) out[i] = params[0] + (double)(block_offset[0] + i) * params[1];
        return 0;
    }
    (void)array_shape;
    snprintf(error, error_capacity, "the example backend cannot make \"%s\"", function);
    return 1;
}

static const tessera_array_backend_v1 example_backend = {
    TESSERA_BACKEND_ABI_VERSION, "example", example_functions, example_fill,
};

const tessera_array_backend_v1 *tessera_array_backend_v1_entry(void) { return &example_backend; }
