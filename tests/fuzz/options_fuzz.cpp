// libFuzzer target: the command line. The input is argv after "aps", its arguments separated by
// NUL bytes (at most kMaxArgs). parse_options must return -1 (go on: exactly one of a pid and
// --core), 0 (after --help or --version) or 2 (a bad command line: a message on stderr that starts
// with "aps: " in exactly one line); a go-on parse prints nothing on stderr.
// stdout and stderr are captured in memory files for each call; sanitizer reports keep going to
// the real stderr. Set APS_FUZZ_SHOW_OUTPUT=1 to see what the parse prints (replaying a finding).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "mem_file.hpp"

extern "C" __attribute__((weak)) void __sanitizer_set_report_fd(void* fd);

namespace aps::fuzz {
namespace {

constexpr std::size_t kMaxArgs = 64;

// fd 1 and 2 into memory files for the length of one call.
class Capture {
  public:
    Capture() : saved_out_(::dup(1)), saved_err_(::dup(2)) {
        if (saved_out_ < 0 || saved_err_ < 0) std::abort();
        if (__sanitizer_set_report_fd)
            __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<intptr_t>(saved_err_)));
    }

    void begin() {
        std::fflush(stdout);
        std::fflush(stderr);
        redirect(out_, 1);
        redirect(err_, 2);
    }

    // Restores fd 1 and 2; returns what was written to stderr.
    std::string end() {
        std::cout.flush();
        std::cerr.flush();
        std::fflush(stdout);
        std::fflush(stderr);
        ::dup2(saved_out_, 1);
        ::dup2(saved_err_, 2);
        std::string text(static_cast<std::size_t>(::lseek(err_.fd(), 0, SEEK_END)), '\0');
        if (!text.empty() && ::pread(err_.fd(), text.data(), text.size(), 0) < 0) text.clear();
        return text;
    }

    // Writes to the real stderr (a finding's explanation).
    void say(const std::string& text) const {
        if (::write(saved_err_, text.data(), text.size()) < 0) return;
    }

  private:
    static void redirect(MemFile& file, int target) {
        file.write(nullptr, 0);
        ::lseek(file.fd(), 0, SEEK_SET);
        ::dup2(file.fd(), target);
    }

    MemFile out_{"stdout"};
    MemFile err_{"stderr"};
    int saved_out_;
    int saved_err_;
};

[[noreturn]] void finding(const Capture& capture, const std::vector<std::string>& args, int rc,
                          const std::string& err, const char* why) {
    std::string text =
        std::string("options_fuzz: ") + why + "; exit " + std::to_string(rc) + "; argv:";
    for (const std::string& a : args) text += " [" + a + "]";
    text += "\nstderr:\n" + err + "\n";
    capture.say(text);
    __builtin_trap();
}

}  // namespace
}  // namespace aps::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    using namespace aps::fuzz;
    static Capture capture;
    static const bool show = std::getenv("APS_FUZZ_SHOW_OUTPUT") != nullptr;

    std::vector<std::string> args{"aps"};
    const char* text = reinterpret_cast<const char*>(data);
    for (std::size_t at = 0; at < size && args.size() <= kMaxArgs;) {
        const char* nul = static_cast<const char*>(std::memchr(text + at, 0, size - at));
        std::size_t len = nul ? static_cast<std::size_t>(nul - (text + at)) : size - at;
        args.emplace_back(text + at, len);
        at += len + 1;
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    aps::Options options;
    if (!show) capture.begin();
    int rc = aps::parse_options(static_cast<int>(args.size()), argv.data(), options);
    std::string err = show ? std::string() : capture.end();

    if (rc == -1) {
        if ((options.pid == 0) == options.core.empty())
            finding(capture, args, rc, err, "a parse that goes on needs exactly a pid or --core");
        if (!err.empty()) finding(capture, args, rc, err, "a parse that goes on printed on stderr");
    } else if (rc == 2) {
        if (!show && err.rfind("aps: ", 0) != 0)
            finding(capture, args, rc, err, "a bad command line must be said as 'aps: ...'");
        if (!show && (err.find('\n') != err.size() - 1))
            finding(capture, args, rc, err, "a bad command line must be said in one line");
    } else if (rc != 0) {
        finding(capture, args, rc, err, "exit codes are -1 (go on), 0 and 2");
    }
    return 0;
}
