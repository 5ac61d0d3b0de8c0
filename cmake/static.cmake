# How aps links its libraries: shared (the default), or with APS_STATIC=ON into one statically
# linked executable that runs on any x86-64 Linux with nothing installed, the file to copy into a
# container or onto a production host (README, "One file for a container or a host").
#
# Sets APS_FMT (the fmt target to link), APS_LIBELF (libelf and what it needs) and APS_LIBDW
# (libdw, the native unwinder, and what it needs: bzip2, xz, zlib, libelf), and defines
# aps_link_static(TARGET), which links an executable statically when APS_STATIC is on (its one
# dlopen call sent to src/static/no_dlopen.cpp: no shared object is ever loaded).
#
# Debian ships static archives of libelf and of the libraries it is built with (libelf.pc's
# Requires.private, which `pkg-config --static` adds: zlib on bookworm, more on later releases),
# but no static libfmt: fmt is then compiled in from its headers (fmt::fmt-header-only).

option(APS_STATIC "Link aps statically: one file with no shared-library dependencies" OFF)

if(APS_STATIC)
  if(APS_SANITIZE)
    message(FATAL_ERROR "APS_STATIC and APS_SANITIZE do not go together (the sanitizer runtimes "
                        "are shared libraries)")
  endif()
  if(APPLE)
    message(FATAL_ERROR "APS_STATIC: macOS has no static system libraries")
  endif()
  set(APS_FMT fmt::fmt-header-only)
  # -L<libdir> -lelf -lz: with -static on the executable these resolve to the .a archives.
  set(APS_LIBELF ${LIBELF_STATIC_LDFLAGS})
  # libdw.a's debuginfod client calls dlopen, which the linker warns needs glibc's shared
  # libraries at run time: aps_link_static sends the call to src/static/no_dlopen.cpp instead.
  set(APS_LIBDW ${LIBDW_STATIC_LDFLAGS})
else()
  set(APS_FMT fmt::fmt)
  if(LIBELF_FOUND)
    set(APS_LIBELF PkgConfig::LIBELF)
  endif()
  if(LIBDW_FOUND)
    set(APS_LIBDW PkgConfig::LIBDW)
  endif()
endif()

function(aps_link_static target)
  if(APS_STATIC)
    # Plain -static, not -static-pie: `file` calls the result "statically linked", and it has
    # no loader to find at run time.
    target_link_options(${target} PRIVATE -static -Wl,--wrap=dlopen)
    target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/src/static/no_dlopen.cpp)
  endif()
endfunction()
