// Builds small ELF files in memory for the core-file tests: core files (PT_LOAD segments and the
// NT_FILE, NT_AUXV and NT_PRPSINFO notes) and the shared objects their processes had mapped
// (program headers, a build-id note, named sections), plus a temporary folder to write them to.
#pragma once

#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aps::test {

using Bytes = std::vector<std::byte>;

Bytes bytes_of(std::string_view text);

struct ElfFileSpec {
    struct Load {
        uint64_t offset = 0, vaddr = 0, filesz = 0, memsz = 0;
        uint32_t flags = PF_R;
    };
    struct Section {
        std::string name;
        uint64_t addr = 0, offset = 0, size = 0;
    };
    Bytes build_id;           // empty: no build-id note
    std::vector<Load> loads;  // empty: one read-only load of the whole content, at 0
    std::vector<Section> sections;
    uint64_t size = 0x4000;  // bytes of content (headers included); section table follows
    std::vector<std::pair<uint64_t, Bytes>> content;  // bytes written at file offsets
};

// An ET_DYN object: ELF header, program headers (loads, then the build-id PT_NOTE) and the note
// in the first page, content, then .shstrtab and the section headers.
Bytes build_elf_file(const ElfFileSpec& spec);

struct CoreSpec {
    struct Load {
        uint64_t vaddr = 0;
        uint64_t memsz = 0;  // 0: bytes.size()
        Bytes bytes;         // what the core holds (filesz)
        uint32_t flags = PF_R | PF_W;
    };
    struct File {
        uint64_t start = 0, end = 0, offset = 0;  // offset in bytes
        std::string path;
    };
    std::vector<Load> loads;
    std::vector<File> files;
    bool nt_file = true;
    uint64_t nt_file_page = 4096;  // 1 as gdb writes it
    Bytes raw_nt_file;             // replaces the encoded NT_FILE description when not empty
    std::optional<uint64_t> entry;
    uint64_t page_size = 4096;  // AT_PAGESZ
    int32_t pid = 4242;
    std::string command = "python3.14";
    unsigned char elf_class = ELFCLASS64;
    uint16_t type = ET_CORE;
    uint16_t machine = EM_X86_64;
};

Bytes build_core(const CoreSpec& spec);

// A fresh folder under the temporary directory, removed with everything in it at destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // Writes `bytes` to path()/name (creating folders) and returns the full path.
    std::string write(const std::string& name, const Bytes& bytes) const;

  private:
    std::string path_;
};

}  // namespace aps::test
