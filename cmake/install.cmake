# What `cmake --install` lays out and what `cpack -G DEB` packages: the aps binary, aps(1), and
# completions for bash, zsh and fish generated at build time from aps's own command-line
# definitions (cmake/generate_completions.cmake), so that they never drift from --help.

include(GNUInstallDirs)

set(APS_COMPLETION_DIR ${CMAKE_BINARY_DIR}/completions)
set(APS_COMPLETIONS ${APS_COMPLETION_DIR}/aps ${APS_COMPLETION_DIR}/_aps
    ${APS_COMPLETION_DIR}/aps.fish)
add_custom_command(OUTPUT ${APS_COMPLETIONS}
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${APS_COMPLETION_DIR}
                   COMMAND ${CMAKE_COMMAND} -DAPS=$<TARGET_FILE:aps> -DOUT=${APS_COMPLETION_DIR}
                           -P ${CMAKE_SOURCE_DIR}/cmake/generate_completions.cmake
                   DEPENDS aps ${CMAKE_SOURCE_DIR}/cmake/generate_completions.cmake VERBATIM
                   COMMENT "Shell completions from aps --generate")
add_custom_target(aps_completions ALL DEPENDS ${APS_COMPLETIONS})

install(TARGETS aps RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/aps.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${APS_COMPLETION_DIR}/aps
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions)
install(FILES ${APS_COMPLETION_DIR}/_aps DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions)
install(FILES ${APS_COMPLETION_DIR}/aps.fish
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d)

# cpack -G DEB. Depends comes from dpkg-shlibdeps on the installed binary: libc6, libelf1, libdw1,
# libfmt9, libstdc++6 ... for the dynamic build, nothing for the static one.
set(CPACK_PACKAGE_NAME aps)
set(CPACK_PACKAGE_VENDOR "aps")
set(CPACK_PACKAGE_CONTACT "aps maintainers <aps@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Show the asyncio tasks of a running CPython 3.14 or 3.15 process (ps, pstree, watch)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
