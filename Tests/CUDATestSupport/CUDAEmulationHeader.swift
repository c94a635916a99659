/// The C++ header that lets Tessera's CUDA kernel sources compile with the host C++ compiler and
/// run on the CPU, for tests on machines without a GPU (``EmulatedCompiler``, ``EmulatedDriver``).
///
/// Each CUDA thread of a block is a coroutine (started with `ucontext`, switched with `_setjmp`/`_longjmp`): `__syncthreads()` and the warp
/// shuffles are barriers that switch to the next thread until all have arrived, so block-wide
/// reductions and shared-memory tiles run as they would on a GPU, one block after another.
/// `__shared__` variables are `static` (blocks run one at a time). Math functions are glibc's, as
/// the "numpy" backend's are, so emulated results can be compared with it bit for bit.
enum CUDAEmulationHeader {
    static let text = #"""
    // tessera_cuda_emulation.h: CUDA kernels on the CPU, for tests.
    #include <math.h>
    #include <stdlib.h>
    #include <string.h>
    #include <stdio.h>
    #include <ucontext.h>
    #include <setjmp.h>
    #include <utility>
    #include <type_traits>
    #define __global__
    #define __device__
    #define __forceinline__ inline
    #define __restrict__ __restrict
    #define __shared__ static
    namespace tessera_emu {
    struct Dim { unsigned x, y, z; };
    inline Dim thread_index, block_index, block_dim, grid_dim;
    enum { max_threads = 1024, stack_bytes = 256 * 1024 };
    // Fibers start once per launch with makecontext/setcontext, then switch with _setjmp/_longjmp
    // (no signal-mask system calls), and loop over the blocks of the launch.
    inline ucontext_t contexts[max_threads];
    inline jmp_buf scheduler, fibers[max_threads];
    inline char* stacks[max_threads];
    inline bool done[max_threads], started[max_threads];
    inline unsigned thread_count, current;
    inline unsigned block_arrived, block_generation;
    inline unsigned warp_arrived[max_threads / 32], warp_generation[max_threads / 32];
    inline unsigned long long slots[max_threads];
    inline void (*body)();
    inline void yield() { if (!_setjmp(fibers[current])) _longjmp(scheduler, 1); }
    inline void barrier(unsigned& arrived, unsigned& generation, unsigned expected) {
        const unsigned mine = generation;
        if (++arrived == expected) { arrived = 0; ++generation; return; }
        while (generation == mine) yield();
    }
    inline void fiber() {
        const unsigned me = current;
        for (;;) {
            body();
            done[me] = true;
            if (!_setjmp(fibers[me])) _longjmp(scheduler, 1);
        }
    }
    template <typename T> T shuffle_down(T value, int delta) {
        const unsigned t = current, warp = t / 32, lane = t % 32;
        const unsigned size = thread_count - warp * 32 < 32 ? thread_count - warp * 32 : 32;
        memcpy(&slots[t], &value, sizeof(T));
        barrier(warp_arrived[warp], warp_generation[warp], size);
        T result = value;
        if (lane + delta < size) memcpy(&result, &slots[t + delta], sizeof(T));
        barrier(warp_arrived[warp], warp_generation[warp], size);
        return result;
    }
    template <typename F> struct Call;
    template <typename... A> struct Call<void (*)(A...)> {
        static inline void (*function)(A...);
        static inline void** arguments;
        template <size_t... I> static void invoke(std::index_sequence<I...>) {
            function(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(arguments[I])...);
        }
        static void run() { invoke(std::index_sequence_for<A...>{}); }
    };
    // Runs every block; `cooperative` kernels (barriers, shuffles) run their threads as fibers,
    // the others one thread after another as plain calls.
    template <typename... A>
    void launch(void (*function)(A...), void** arguments, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                bool cooperative) {
        using C = Call<void (*)(A...)>;
        C::function = function;
        C::arguments = arguments;
        body = &C::run;
        thread_count = bx * by * bz;
        if (thread_count > max_threads) { fprintf(stderr, "emulator: block too large\n"); abort(); }
        grid_dim = {gx, gy, gz};
        block_dim = {bx, by, bz};
        if (cooperative) {
            for (unsigned t = 0; t < thread_count; ++t) {
                if (!stacks[t]) stacks[t] = (char*)malloc(stack_bytes);
                getcontext(&contexts[t]);
                contexts[t].uc_stack.ss_sp = stacks[t];
                contexts[t].uc_stack.ss_size = stack_bytes;
                contexts[t].uc_link = nullptr;
                makecontext(&contexts[t], fiber, 0);
                started[t] = false;
            }
        }
        for (unsigned z = 0; z < gz; ++z) for (unsigned y = 0; y < gy; ++y) for (unsigned x = 0; x < gx; ++x) {
            block_index = {x, y, z};
            if (!cooperative) {
                for (unsigned t = 0; t < thread_count; ++t) {
                    current = t;
                    thread_index = {t % bx, (t / bx) % by, t / (bx * by)};
                    body();
                }
                continue;
            }
            block_arrived = 0;
            for (unsigned w = 0; w < max_threads / 32; ++w) warp_arrived[w] = 0;
            for (unsigned t = 0; t < thread_count; ++t) done[t] = false;
            for (unsigned remaining = thread_count; remaining > 0;) {
                remaining = 0;
                for (unsigned t = 0; t < thread_count; ++t) {
                    if (done[t]) continue;
                    current = t;
                    thread_index = {t % bx, (t / bx) % by, t / (bx * by)};
                    if (!_setjmp(scheduler)) {
                        if (!started[t]) { started[t] = true; setcontext(&contexts[t]); }
                        _longjmp(fibers[t], 1);
                    }
                    if (!done[t]) ++remaining;
                }
            }
        }
    }
    }  // namespace tessera_emu
    #define threadIdx tessera_emu::thread_index
    #define blockIdx tessera_emu::block_index
    #define blockDim tessera_emu::block_dim
    #define gridDim tessera_emu::grid_dim
    inline void __syncthreads() { tessera_emu::barrier(tessera_emu::block_arrived, tessera_emu::block_generation, tessera_emu::thread_count); }
    template <typename T> inline T __shfl_down_sync(unsigned, T value, int delta) { return tessera_emu::shuffle_down(value, delta); }
    inline double __longlong_as_double(long long v) { double d; memcpy(&d, &v, 8); return d; }
    inline float __double2float_rn(double v) { return (float)v; }
    inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) { return (unsigned long long)(((unsigned __int128)a * b) >> 64); }
    inline float __fadd_rn(float a, float b) { return a + b; }
    inline float __fmul_rn(float a, float b) { return a * b; }
    using std::isfinite;
    // Atomics: blocks run one at a time and threads switch only at barriers, so a plain
    // read-modify-write is atomic here.
    inline unsigned long long atomicCAS(unsigned long long* a, unsigned long long expected, unsigned long long value) {
        const unsigned long long old = *a; if (old == expected) *a = value; return old;
    }
    template <typename T> inline T atomicAdd(T* a, T value) { const T old = *a; *a = old + value; return old; }
    template <typename T> inline T atomicMin(T* a, T value) { const T old = *a; if (value < old) *a = value; return old; }
    template <typename T> inline T atomicMax(T* a, T value) { const T old = *a; if (value > old) *a = value; return old; }
    inline long long __double_as_longlong(double v) { long long r; memcpy(&r, &v, 8); return r; }
    inline int __float_as_int(float v) { int r; memcpy(&r, &v, 4); return r; }

    """#
}
