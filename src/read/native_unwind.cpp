// libdwfl for aps dump --native-frames: report the process's mappings, attach the unwinder's
// state to the already-stopped threads, walk each thread's frames and symbolize their addresses.
#include "read/native_unwind.hpp"

#include <fmt/format.h>

#include <cstring>
#include <memory>
#include <optional>
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

namespace aps::read {

namespace {

// The address of the first PT_LOAD segment of an ELF file, or none.
std::optional<GElf_Addr> first_load(Elf* elf) {
    std::size_t count = 0;
    if (elf == nullptr || elf_getphdrnum(elf, &count) != 0) return std::nullopt;
    for (std::size_t i = 0; i < count; ++i) {
        GElf_Phdr phdr;
        if (gelf_getphdr(elf, static_cast<int>(i), &phdr) != nullptr && phdr.p_type == PT_LOAD) {
            return phdr.p_vaddr;
        }
    }
    return std::nullopt;
}

// libdwfl places a debug file's symbols by its first PT_LOAD: a file whose segments were
// rewritten after the build (patchelf adds one in front) would get every name shifted, and a
// wrong name is worse than none.
bool same_layout(Dwfl_Module* module, int debug_fd) {
    GElf_Addr bias = 0;
    const std::optional<GElf_Addr> main = first_load(dwfl_module_getelf(module, &bias));
    Elf* debug = elf_begin(debug_fd, ELF_C_READ_MMAP, nullptr);
    const std::optional<GElf_Addr> other = first_load(debug);
    elf_end(debug);
    return main && other && *main == *other;
}

// A stripped file's full symbol table (static functions such as the evaluation loop's cold
// part) is in its separate debug file, found by build id: under /usr/lib/debug, and under the
// usr/lib/debug of the tree the file itself lies in (an interpreter unpacked with its debug
// files in a folder of its own). Nothing is fetched (no debuginfod): the target is held.
int find_debug_file(Dwfl_Module* module, void**, const char*, Dwarf_Addr, const char* file_name,
                    const char*, GElf_Word, char** debuginfo_file_name) {
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr = 0;
    const int len = dwfl_module_build_id(module, &bits, &vaddr);
    if (len < 2 || bits == nullptr) return -1;
    std::string id;
    for (int i = 0; i < len; ++i) id += fmt::format("{:02x}", bits[i]);
    const std::string tail = fmt::format(".build-id/{}/{}.debug", id.substr(0, 2), id.substr(2));
    std::vector<std::string> dirs{"/usr/lib/debug"};
    if (file_name != nullptr) {
        const std::string_view path(file_name);
        if (const std::size_t usr = path.find("/usr/"); usr != std::string_view::npos && usr > 0) {
            dirs.push_back(std::string(path.substr(0, usr)) + "/usr/lib/debug");
        }
    }
    for (const std::string& dir : dirs) {
        const std::string candidate = dir + "/" + tail;
        const int fd = ::open(candidate.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        if (!same_layout(module, fd)) {
            ::close(fd);
            continue;
        }
        *debuginfo_file_name = ::strdup(candidate.c_str());  // libdwfl frees it
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

void symbolize(Dwfl* dwfl, bool activation, NativeFrame& f) {
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
    if (const char* symbol = dwfl_module_addrname(module, lookup); symbol != nullptr) {
        f.function = symbol;
    }
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

// Loads what the walk needs of one mapped file now, not during the stop.
int load_module(Dwfl_Module* module, void**, const char*, Dwarf_Addr, void*) {
    dwfl_module_getsymtab(module);
    Dwarf_Addr bias = 0;
    dwfl_module_eh_cfi(module, &bias);
    return DWARF_CB_OK;
}

}  // namespace

struct NativeUnwinder::State {
    pid_t pid = 0;
    Dwfl_Callbacks callbacks{};  // the Dwfl keeps a pointer to it: it lives here, on the heap
    DwflPtr dwfl;
    std::string error;                            // set: no thread can be unwound, for this reason
    std::vector<std::vector<bool> > activations;  // per thread unwound, per frame
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
    dwfl_getmodules(dwfl, load_module, nullptr, 0);
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
            symbolize(state_->dwfl.get(), activations[k], stacks[i].frames[k]);
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
