// The static aps loads no shared object. Its one dlopen call is in libdw's debuginfod client
// (looking for libdebuginfod.so when asked to fetch a file; aps never asks: native_unwind.cpp
// finds debug files itself). cmake/static.cmake links the static executables with
// --wrap=dlopen, which sends that call here: it fails, which the client takes as no debuginfod.
// glibc's dlopen in a static executable works only where the shared libraries of the very glibc
// it was linked with are installed (the linker warns about every call to it): with the call
// wrapped, the static link is warning-free and the binary never loads a libc other than its own.
extern "C" void* __wrap_dlopen(const char*, int) {
    return nullptr;
}
