// ELF notes read with libelf: walking the notes of a PT_NOTE segment, and the GNU build-id of an
// object, whether it is a file on disk or the first bytes of a mapping that a core file dumped.
#pragma once

#include <gelf.h>
#include <libelf.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "aps/error.hpp"

namespace aps::read {

// Owns an Elf* handle.
struct ElfCloser {
    void operator()(Elf* e) const { elf_end(e); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

// Receives one note; returns false to stop the walk.
using NoteVisitor =
    std::function<bool(uint32_t type, std::string_view name, std::span<const std::byte> desc)>;

// Calls `visit` for each note of the PT_NOTE segment `segment` of `elf`. libelf bounds every
// note by the segment and the segment by the bytes it was given; a segment outside them is
// CorruptData, a malformed note ends the walk.
Result<void> for_each_note(Elf* elf, const GElf_Phdr& segment, const NoteVisitor& visit);

// The GNU build-id (NT_GNU_BUILD_ID in any PT_NOTE segment) as lowercase hex; empty when the
// object has none or its notes are not within the bytes libelf can see.
std::string elf_build_id(Elf* elf);

// Opens the first bytes of an ELF object (a copy is kept by the handle's owner: `bytes` must
// outlive the handle). Null when they are not an ELF header libelf accepts.
ElfHandle elf_from_bytes(std::span<std::byte> bytes);

std::string hex_string(std::span<const std::byte> bytes);

}  // namespace aps::read
