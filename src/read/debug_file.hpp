// A mapped file's separate debug file, for aps dump --native-frames: where to look for it, whether
// libdwfl can place its symbols, and its function symbols placed by sections when libdwfl cannot.
// Only libelf/libdwfl reading here; the placing rule is debug_symbols.cpp's.
#pragma once

#include <elfutils/libdwfl.h>

#include <string>
#include <string_view>
#include <vector>

#include "read/debug_symbols.hpp"

namespace aps::read {

// Where the debug file of a file with build id `build_id` may be, in order: under
// /usr/lib/debug, and under the usr/lib/debug of the tree `file_name` lies in (an interpreter
// unpacked with its debug files in a folder of its own). Nothing is fetched (no debuginfod):
// the caller is about to hold, or holds, the target.
std::vector<std::string> debug_file_paths(std::string_view build_id_hex,
                                          std::string_view file_name);

// The build id of `module` in hex, empty when it has none.
std::string build_id_hex(Dwfl_Module* module);

// Whether `elf` has a full symbol table (.symtab) of its own: not stripped.
bool has_symbol_table(Elf* elf);

// Whether libdwfl places `debug`'s symbols right for `main`: it places them by the first PT_LOAD
// of each file, so a file whose segments were rewritten after the build (patchelf adds one in
// front) would get every name shifted, and a wrong name is worse than none.
bool same_first_load(Elf* main, Elf* debug);

// The function symbols of `debug` that DebugSymbols::matched places in `main`, or none when
// `debug` is not `main`'s (another build id) or has no symbol table.
DebugSymbols read_debug_symbols(Elf* main, Elf* debug);

}  // namespace aps::read
