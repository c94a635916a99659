/* The ABI is declared in include/tessera_backend.h; this target has no code of its own. */
