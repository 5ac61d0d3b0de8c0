// libdwfl for aps dump --native-frames: report the process's mappings, attach the unwinder's
// state to the already-stopped threads, walk each thread's frames and symbolize their addresses.
#include "read/native_unwind.hpp"

#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#ifdef APS_NO_DW  // a build without libdw (macOS: CMakeLists.txt)
namespace aps::read {
struct NativeUnwinder::State {};
NativeUnwinder NativeUnwinder::prepare(pid_t) {
    return NativeUnwinder(nullptr);
}
std::vector<NativeStack> NativeUnwinder::unwind(const std::vector<pid_t>& tids, const UnwindLimits&,
                                                const std::function<void()>&) {
    std::vector<NativeStack> stacks;
    for (pid_t tid : tids) {
        stacks.push_back(
            NativeStack{static_cast<uint64_t>(tid), {}, false, "this aps was built without libdw"});
    }
    return stacks;
}
}  // namespace aps::read
#else
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <unordered_map>

#include "read/debug_file.hpp"

namespace aps::read {

namespace {

// The debug file of a stripped file (its full symbol table names static functions such as the
// evaluation loop's cold part), handed to libdwfl when libdwfl places it right; one it would
// misplace is refused here and read by load_module instead.
int find_debug_file(Dwfl_Module* module, void**, const char*, Dwarf_Addr, const char* file_name,
                    const char*, GElf_Word, char** debuginfo_file_name) {
    GElf_Addr bias = 0;
    Elf* main = dwfl_module_getelf(module, &bias);
    for (const std::string& path :
         debug_file_paths(build_id_hex(module), file_name != nullptr ? file_name : "")) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        Elf* debug = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
        const bool placed_right = same_first_load(main, debug);
        elf_end(debug);
        if (!placed_right) {  // load_module reads it instead (DebugSymbols)
            ::close(fd);
            continue;
        }
        *debuginfo_file_name = ::strdup(path.c_str());  // libdwfl frees it
        return fd;
    }
    return -1;
}

std::string last_dwfl_error() {
    const char* msg = dwfl_errmsg(-1);
    return msg != nullptr ? msg : "unknown libdwfl error";
}

std::string basename_of(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

struct DwflDeleter {
    void operator()(Dwfl* d) const { dwfl_end(d); }
};
using DwflPtr = std::unique_ptr<Dwfl, DwflDeleter>;

// What the per-frame callback fills for one thread.
struct Walk {
    Dwfl* dwfl = nullptr;
    const UnwindLimits* limits = nullptr;
    NativeStack* out = nullptr;
    std::vector<bool>* activations = nullptr;  // per frame of `out`: dwfl_frame_pc's flag
    std::string frame_error;
};

// Per stripped file whose debug file libdwfl would misplace: that file's functions (load_module).
using DebugSymbolsByModule = std::unordered_map<Dwfl_Module*, DebugSymbols>;

void symbolize(Dwfl* dwfl, const DebugSymbolsByModule& debug_symbols, bool activation,
               NativeFrame& f) {
    const Dwarf_Addr pc = f.pc;
    // A return address points past its call, maybe into the next function: look up the call.
    const Dwarf_Addr lookup = activation || pc == 0 ? pc : pc - 1;
    Dwfl_Module* module = dwfl_addrmodule(dwfl, lookup);
    if (module == nullptr) return;
    Dwarf_Addr start = 0;
    const char* name =
        dwfl_module_info(module, nullptr, &start, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (name != nullptr) f.library = basename_of(name);
    f.offset = pc - start;
    GElf_Off offset = 0;
    GElf_Sym sym{};
    const char* symbol =
        dwfl_module_addrinfo(module, lookup, &offset, &sym, nullptr, nullptr, nullptr);
    // A symbol whose size holds the address is the function; a sizeless one is only the
    // nearest name below, which the debug file's symbols may better.
    if (symbol != nullptr && sym.st_size > 0) {
        f.function = symbol;
        return;
    }
    if (const auto it = debug_symbols.find(module); it != debug_symbols.end()) {
        GElf_Addr bias = 0;
        dwfl_module_getelf(module, &bias);
        if (const FunctionSymbol* found = it->second.find(lookup - bias); found != nullptr) {
            f.function = found->name;
            return;
        }
    }
    if (symbol != nullptr) f.function = symbol;
}

int on_frame(Dwfl_Frame* state, void* arg) {
    auto& walk = *static_cast<Walk*>(arg);
    Dwarf_Addr pc = 0;
    bool activation = false;
    if (!dwfl_frame_pc(state, &pc, &activation)) {
        walk.frame_error = last_dwfl_error();
        return DWARF_CB_ABORT;
    }
    if (walk.out->frames.size() >= walk.limits->max_frames) {
        walk.out->cut = true;
        return DWARF_CB_ABORT;
    }
    // Only the address now: naming it (a search of the symbol tables) waits until the target
    // runs again (NativeUnwinder::name_frames).
    walk.out->frames.push_back(NativeFrame{pc, {}, {}, 0});
    walk.activations->push_back(activation);
    return DWARF_CB_OK;
}

// A mapped file as the target sees it (/proc/PID/root/PATH: a process in a container has its
// own files), else libdwfl's own search (which also reads an image from the target's memory:
// the vDSO, a deleted file). The module's userdata points at the target's pid (prepare()).
int find_elf_in_root(Dwfl_Module* module, void** userdata, const char* name, Dwarf_Addr base,
                     char** file_name, Elf** elfp) {
    const auto* pid = static_cast<const pid_t*>(*userdata);
    if (pid != nullptr && name != nullptr && name[0] == '/') {
        const std::string path = fmt::format("/proc/{}/root{}", *pid, name);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            *file_name = ::strdup(path.c_str());  // libdwfl frees it
            *elfp = nullptr;
            return fd;
        }
    }
    return dwfl_linux_proc_find_elf(module, userdata, name, base, file_name, elfp);
}

// Points each reported module's userdata at the target's pid, for find_elf_in_root.
int set_pid(Dwfl_Module* module, void**, const char*, Dwarf_Addr, void* pid) {
    void** userdata = nullptr;
    dwfl_module_info(module, &userdata, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (userdata != nullptr) *userdata = pid;
    return DWARF_CB_OK;
}

// Loads what the walk needs of one mapped file now, not during the stop. A stripped file whose
// debug file find_debug_file refused (libdwfl would shift its names) gets that file's functions
// placed by sections instead, into the DebugSymbolsByModule `arg` points at.
int load_module(Dwfl_Module* module, void**, const char*, Dwarf_Addr, void* arg) {
    dwfl_module_getsymtab(module);
    Dwarf_Addr bias = 0;
    dwfl_module_eh_cfi(module, &bias);
    const char* main_file = nullptr;
    const char* debug_file = nullptr;
    dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, &main_file, &debug_file);
    Elf* main = dwfl_module_getelf(module, &bias);
    if (main == nullptr || debug_file != nullptr || has_symbol_table(main)) return DWARF_CB_OK;
    for (const std::string& path :
         debug_file_paths(build_id_hex(module), main_file != nullptr ? main_file : "")) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        Elf* debug = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
        DebugSymbols symbols = read_debug_symbols(main, debug);
        elf_end(debug);
        ::close(fd);
        if (!symbols.empty()) {
            (*static_cast<DebugSymbolsByModule*>(arg))[module] = std::move(symbols);
            break;
        }
    }
    return DWARF_CB_OK;
}

}  // namespace

struct NativeUnwinder::State {
    pid_t pid = 0;
    Dwfl_Callbacks callbacks{};  // the Dwfl keeps a pointer to it: it lives here, on the heap
    DwflPtr dwfl;
    std::string error;                            // set: no thread can be unwound, for this reason
    std::vector<std::vector<bool> > activations;  // per thread unwound, per frame
    DebugSymbolsByModule debug_symbols;           // load_module's, for symbolize
};

NativeUnwinder NativeUnwinder::prepare(pid_t pid) {
    auto state = std::make_unique<State>();
    state->pid = pid;
    state->callbacks.find_elf = find_elf_in_root;
    state->callbacks.find_debuginfo = find_debug_file;
    state->dwfl.reset(dwfl_begin(&state->callbacks));
    if (!state->dwfl) {
        state->error = "libdwfl: " + last_dwfl_error();
        return NativeUnwinder(std::move(state));
    }
    Dwfl* dwfl = state->dwfl.get();
    dwfl_report_begin(dwfl);
    const int reported = dwfl_linux_proc_report(dwfl, pid);
    if (dwfl_report_end(dwfl, nullptr, nullptr) != 0 || reported != 0) {
        state->error = reported > 0 ? fmt::format("the mappings: {}", std::strerror(reported))
                                    : "the mappings: " + last_dwfl_error();
        return NativeUnwinder(std::move(state));
    }
    dwfl_getmodules(dwfl, set_pid, &state->pid, 0);
    dwfl_getmodules(dwfl, load_module, &state->debug_symbols, 0);
    return NativeUnwinder(std::move(state));
}

std::vector<NativeStack> NativeUnwinder::unwind(const std::vector<pid_t>& tids,
                                                const UnwindLimits& limits,
                                                const std::function<void()>& after_first) {
    std::vector<NativeStack> stacks(tids.size());
    for (std::size_t i = 0; i < tids.size(); ++i) stacks[i].tid = static_cast<uint64_t>(tids[i]);
    const auto fail_all = [&stacks](const std::string& why) {
        for (NativeStack& s : stacks) s.error = why;
        return stacks;
    };
    if (!state_) return fail_all("no unwinder");
    if (!state_->error.empty()) return fail_all(state_->error);
    Dwfl* dwfl = state_->dwfl.get();
    state_->activations.assign(stacks.size(), {});
    // true: the caller already holds the threads stopped (libdwfl must not attach or detach).
    if (dwfl_linux_proc_attach(dwfl, state_->pid, true) != 0) {
        state_->error = "libdwfl attach: " + last_dwfl_error();
        return fail_all(state_->error);
    }
    for (std::size_t i = 0; i < stacks.size(); ++i) {
        NativeStack& stack = stacks[i];
        if (i >= limits.max_threads) {
            stack.error = fmt::format("not unwound: past {} threads", limits.max_threads);
            continue;
        }
        Walk walk{dwfl, &limits, &stack, &state_->activations[i], {}};
        const int rc = dwfl_getthread_frames(dwfl, tids[i], on_frame, &walk);
        if (!walk.frame_error.empty()) {
            stack.error = walk.frame_error;
        } else if (rc == -1) {
            stack.error = last_dwfl_error();
        }
        if (i == 0 && after_first) after_first();
    }
    return stacks;
}

void NativeUnwinder::name_frames(std::vector<NativeStack>& stacks) const {
    if (!state_ || !state_->dwfl) return;
    for (std::size_t i = 0; i < stacks.size() && i < state_->activations.size(); ++i) {
        const std::vector<bool>& activations = state_->activations[i];
        for (std::size_t k = 0; k < stacks[i].frames.size() && k < activations.size(); ++k) {
            symbolize(state_->dwfl.get(), state_->debug_symbols, activations[k],
                      stacks[i].frames[k]);
        }
    }
}

}  // namespace aps::read
#endif

namespace aps::read {
NativeUnwinder::NativeUnwinder(std::unique_ptr<State> state) : state_(std::move(state)) {}
NativeUnwinder::NativeUnwinder(NativeUnwinder&&) noexcept = default;
NativeUnwinder& NativeUnwinder::operator=(NativeUnwinder&&) noexcept = default;
NativeUnwinder::~NativeUnwinder() = default;
}  // namespace aps::read
