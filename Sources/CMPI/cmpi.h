/*
 * cmpi.h: the MPI entry points Tessera's distributed scheduler calls, as function-pointer typedefs
 * written by hand so that the package builds without MPI. Nothing here is linked: MPIRuntime opens
 * libmpi (Open MPI) or libmpich (MPICH and its ABI family) with dlopen at run time and looks each
 * function up with dlsym under its standard name (MPI_Isend, ...).
 *
 * The two families disagree on the C types of handles, so every function that takes a handle has
 * one typedef per family:
 *   - Open MPI: MPI_Comm, MPI_Datatype, MPI_Op, MPI_Errhandler and MPI_Request are pointers; the
 *     predefined handles are the addresses of exported symbols (ompi_mpi_comm_world, ...).
 *   - MPICH: they are `int`; the predefined handles are constants from its mpi.h.
 * Requests are written by MPI through a pointer, so one 8-byte slot holds either kind.
 * MPI_Status differs in layout too; it is passed as a pointer to a buffer large enough for both.
 */
#ifndef TESSERA_CMPI_H
#define TESSERA_CMPI_H

#ifdef __cplusplus
extern "C" {
#endif

/* ---- calls with no handle: the same in both families ----------------------------------------- */

typedef int (*cmpi_Init_thread)(int *argc, char ***argv, int required, int *provided);
typedef int (*cmpi_Initialized)(int *flag);
typedef int (*cmpi_Finalized)(int *flag);
typedef int (*cmpi_Finalize)(void);
typedef int (*cmpi_Get_library_version)(char *version, int *length);
typedef int (*cmpi_Error_string)(int code, char *text, int *length);
typedef int (*cmpi_Test)(void *request, int *flag, void *status);

/* ---- Open MPI: handles are pointers ---------------------------------------------------------- */

typedef int (*cmpi_ompi_Comm_rank)(void *comm, int *rank);
typedef int (*cmpi_ompi_Comm_size)(void *comm, int *size);
typedef int (*cmpi_ompi_Comm_set_errhandler)(void *comm, void *handler);
typedef int (*cmpi_ompi_Isend)(const void *buffer, int count, void *datatype, int destination, int tag,
                               void *comm, void *request);
typedef int (*cmpi_ompi_Recv)(void *buffer, int count, void *datatype, int source, int tag, void *comm,
                              void *status);
typedef int (*cmpi_ompi_Iprobe)(int source, int tag, void *comm, int *flag, void *status);
typedef int (*cmpi_ompi_Get_count)(const void *status, void *datatype, int *count);
typedef int (*cmpi_ompi_Iallgather)(const void *send, int sendCount, void *sendType, void *receive,
                                    int receiveCount, void *receiveType, void *comm, void *request);
typedef int (*cmpi_ompi_Abort)(void *comm, int code);

/* ---- MPICH and its ABI family (Intel MPI, MVAPICH): handles are int ------------------------- */

typedef int (*cmpi_mpich_Comm_rank)(int comm, int *rank);
typedef int (*cmpi_mpich_Comm_size)(int comm, int *size);
typedef int (*cmpi_mpich_Comm_set_errhandler)(int comm, int handler);
typedef int (*cmpi_mpich_Isend)(const void *buffer, int count, int datatype, int destination, int tag,
                                int comm, void *request);
typedef int (*cmpi_mpich_Recv)(void *buffer, int count, int datatype, int source, int tag, int comm,
                               void *status);
typedef int (*cmpi_mpich_Iprobe)(int source, int tag, int comm, int *flag, void *status);
typedef int (*cmpi_mpich_Get_count)(const void *status, int datatype, int *count);
typedef int (*cmpi_mpich_Iallgather)(const void *send, int sendCount, int sendType, void *receive,
                                     int receiveCount, int receiveType, int comm, void *request);
typedef int (*cmpi_mpich_Abort)(int comm, int code);

#ifdef __cplusplus
}
#endif

#endif
