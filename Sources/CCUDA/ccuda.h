/*
 * ccuda.h: the subset of the CUDA driver API (cuda.h), NVRTC (nvrtc.h) and cuBLAS (cublas_api.h)
 * that Tessera's GPU backend calls, written by hand so that the package builds without CUDA.
 *
 * Only types and function-pointer typedefs are declared: nothing here is linked. The libraries
 * (libcuda.so.1, libnvrtc.so.*, libcublas.so.*) are opened with dlopen at run time and each
 * entry point is looked up with dlsym under the exported name given in its comment (the `_v2`
 * names are what cuda.h's macros select). The types are ABI-compatible with the real headers:
 * handles are pointers to opaque structs, enums are `int`, CUdeviceptr is 64 bits; the
 * _Static_asserts at the bottom hold that on every platform this builds for.
 */
#ifndef TESSERA_CCUDA_H
#define TESSERA_CCUDA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Driver API types ------------------------------------------------------------------- */

typedef int CUresult;                          /* enum cudaError_enum */
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;        /* CUdeviceptr_v2 */
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;

enum {
    CCUDA_SUCCESS = 0,
    CCUDA_ERROR_INVALID_VALUE = 1,
    CCUDA_ERROR_OUT_OF_MEMORY = 2,
    CCUDA_ERROR_NOT_INITIALIZED = 3,
    CCUDA_ERROR_NO_DEVICE = 100,
    CCUDA_ERROR_INVALID_DEVICE = 101,
    CCUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CCUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CCUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CCUDA_ERROR_ILLEGAL_ADDRESS = 700
};

/* CUdevice_attribute values used */
enum {
    CCUDA_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
    CCUDA_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
    CCUDA_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
    CCUDA_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
    CCUDA_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    CCUDA_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
    CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    CCUDA_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76
};

enum { CCUDA_STREAM_NON_BLOCKING = 1 };
enum { CCUDA_EVENT_DEFAULT = 0 };

/* ---- Driver API entry points (exported names in comments) ------------------------------- */

typedef CUresult (*ccuda_cuInit)(unsigned int flags);                                   /* cuInit */
typedef CUresult (*ccuda_cuDriverGetVersion)(int *version);                             /* cuDriverGetVersion */
typedef CUresult (*ccuda_cuGetErrorName)(CUresult error, const char **name);            /* cuGetErrorName */
typedef CUresult (*ccuda_cuGetErrorString)(CUresult error, const char **message);       /* cuGetErrorString */
typedef CUresult (*ccuda_cuDeviceGetCount)(int *count);                                 /* cuDeviceGetCount */
typedef CUresult (*ccuda_cuDeviceGet)(CUdevice *device, int ordinal);                   /* cuDeviceGet */
typedef CUresult (*ccuda_cuDeviceGetName)(char *name, int length, CUdevice device);     /* cuDeviceGetName */
typedef CUresult (*ccuda_cuDeviceGetAttribute)(int *value, int attribute, CUdevice device); /* cuDeviceGetAttribute */
typedef CUresult (*ccuda_cuDeviceTotalMem)(size_t *bytes, CUdevice device);             /* cuDeviceTotalMem_v2 */
typedef CUresult (*ccuda_cuDevicePrimaryCtxRetain)(CUcontext *context, CUdevice device); /* cuDevicePrimaryCtxRetain */
typedef CUresult (*ccuda_cuCtxSetCurrent)(CUcontext context);                           /* cuCtxSetCurrent */
typedef CUresult (*ccuda_cuMemAlloc)(CUdeviceptr *pointer, size_t bytes);               /* cuMemAlloc_v2 */
typedef CUresult (*ccuda_cuMemFree)(CUdeviceptr pointer);                               /* cuMemFree_v2 */
typedef CUresult (*ccuda_cuMemGetInfo)(size_t *free, size_t *total);                    /* cuMemGetInfo_v2 */
typedef CUresult (*ccuda_cuMemcpyHtoDAsync)(CUdeviceptr destination, const void *source, size_t bytes,
                                            CUstream stream);                           /* cuMemcpyHtoDAsync_v2 */
typedef CUresult (*ccuda_cuMemcpyDtoHAsync)(void *destination, CUdeviceptr source, size_t bytes,
                                            CUstream stream);                           /* cuMemcpyDtoHAsync_v2 */
typedef CUresult (*ccuda_cuMemcpyDtoDAsync)(CUdeviceptr destination, CUdeviceptr source, size_t bytes,
                                            CUstream stream);                           /* cuMemcpyDtoDAsync_v2 */
typedef CUresult (*ccuda_cuMemsetD8Async)(CUdeviceptr destination, unsigned char value, size_t count,
                                          CUstream stream);                             /* cuMemsetD8Async */
typedef CUresult (*ccuda_cuModuleLoadData)(CUmodule *module, const void *image);        /* cuModuleLoadData */
typedef CUresult (*ccuda_cuModuleUnload)(CUmodule module);                              /* cuModuleUnload */
typedef CUresult (*ccuda_cuModuleGetFunction)(CUfunction *function, CUmodule module, const char *name); /* cuModuleGetFunction */
typedef CUresult (*ccuda_cuLaunchKernel)(CUfunction function, unsigned int gridX, unsigned int gridY,
                                         unsigned int gridZ, unsigned int blockX, unsigned int blockY,
                                         unsigned int blockZ, unsigned int sharedBytes, CUstream stream,
                                         void **parameters, void **extra);              /* cuLaunchKernel */
typedef CUresult (*ccuda_cuStreamCreate)(CUstream *stream, unsigned int flags);         /* cuStreamCreate */
typedef CUresult (*ccuda_cuStreamDestroy)(CUstream stream);                             /* cuStreamDestroy_v2 */
typedef CUresult (*ccuda_cuStreamSynchronize)(CUstream stream);                         /* cuStreamSynchronize */
typedef CUresult (*ccuda_cuEventCreate)(CUevent *event, unsigned int flags);            /* cuEventCreate */
typedef CUresult (*ccuda_cuEventRecord)(CUevent event, CUstream stream);                /* cuEventRecord */
typedef CUresult (*ccuda_cuEventSynchronize)(CUevent event);                            /* cuEventSynchronize */
typedef CUresult (*ccuda_cuEventElapsedTime)(float *milliseconds, CUevent start, CUevent end); /* cuEventElapsedTime_v2 */
typedef CUresult (*ccuda_cuEventDestroy)(CUevent event);                                /* cuEventDestroy_v2 */

/* ---- NVRTC ------------------------------------------------------------------------------- */

typedef int nvrtcResult;
typedef struct _nvrtcProgram *nvrtcProgram;

typedef const char *(*ccuda_nvrtcGetErrorString)(nvrtcResult result);                   /* nvrtcGetErrorString */
typedef nvrtcResult (*ccuda_nvrtcVersion)(int *major, int *minor);                      /* nvrtcVersion */
typedef nvrtcResult (*ccuda_nvrtcGetNumSupportedArchs)(int *count);                     /* nvrtcGetNumSupportedArchs */
typedef nvrtcResult (*ccuda_nvrtcGetSupportedArchs)(int *archs);                        /* nvrtcGetSupportedArchs */
typedef nvrtcResult (*ccuda_nvrtcCreateProgram)(nvrtcProgram *program, const char *source, const char *name,
                                                int headerCount, const char *const *headers,
                                                const char *const *includeNames);       /* nvrtcCreateProgram */
typedef nvrtcResult (*ccuda_nvrtcDestroyProgram)(nvrtcProgram *program);                /* nvrtcDestroyProgram */
typedef nvrtcResult (*ccuda_nvrtcCompileProgram)(nvrtcProgram program, int optionCount,
                                                 const char *const *options);           /* nvrtcCompileProgram */
typedef nvrtcResult (*ccuda_nvrtcGetPTXSize)(nvrtcProgram program, size_t *size);       /* nvrtcGetPTXSize */
typedef nvrtcResult (*ccuda_nvrtcGetPTX)(nvrtcProgram program, char *ptx);              /* nvrtcGetPTX */
typedef nvrtcResult (*ccuda_nvrtcGetCUBINSize)(nvrtcProgram program, size_t *size);     /* nvrtcGetCUBINSize */
typedef nvrtcResult (*ccuda_nvrtcGetCUBIN)(nvrtcProgram program, char *cubin);          /* nvrtcGetCUBIN */
typedef nvrtcResult (*ccuda_nvrtcGetProgramLogSize)(nvrtcProgram program, size_t *size); /* nvrtcGetProgramLogSize */
typedef nvrtcResult (*ccuda_nvrtcGetProgramLog)(nvrtcProgram program, char *log);       /* nvrtcGetProgramLog */

/* ---- cuBLAS (v2 API) ---------------------------------------------------------------------- */

typedef int cublasStatus_t;
typedef struct cublasContext *cublasHandle_t;
enum { CCUDA_CUBLAS_OP_N = 0, CCUDA_CUBLAS_OP_T = 1 };

typedef cublasStatus_t (*ccuda_cublasCreate)(cublasHandle_t *handle);                   /* cublasCreate_v2 */
typedef cublasStatus_t (*ccuda_cublasDestroy)(cublasHandle_t handle);                   /* cublasDestroy_v2 */
typedef cublasStatus_t (*ccuda_cublasSetStream)(cublasHandle_t handle, CUstream stream); /* cublasSetStream_v2 */
typedef cublasStatus_t (*ccuda_cublasDgemm)(cublasHandle_t handle, int transa, int transb, int m, int n, int k,
                                            const double *alpha, const double *a, int lda, const double *b,
                                            int ldb, const double *beta, double *c, int ldc); /* cublasDgemm_v2 */
typedef cublasStatus_t (*ccuda_cublasSgemm)(cublasHandle_t handle, int transa, int transb, int m, int n, int k,
                                            const float *alpha, const float *a, int lda, const float *b,
                                            int ldb, const float *beta, float *c, int ldc); /* cublasSgemm_v2 */

/* ---- ABI checks --------------------------------------------------------------------------- */

_Static_assert(sizeof(CUdeviceptr) == 8, "CUdeviceptr is 64 bits");
_Static_assert(sizeof(CUresult) == 4 && sizeof(nvrtcResult) == 4 && sizeof(cublasStatus_t) == 4,
               "CUDA status enums are int-sized");
_Static_assert(sizeof(CUcontext) == sizeof(void *), "CUDA handles are pointers");

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_CCUDA_H */
