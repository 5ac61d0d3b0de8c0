// CLI11 set-up for `aps ps` and `aps pstree`; accepts the reference's command line as is.
#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <limits>

#include "aps/version.hpp"

namespace aps {

namespace {

constexpr const char* kDescription =
    "aps shows the asyncio tasks of a running CPython 3.14 or 3.15 process from outside,\n"
    "as a table (ps) or as a tree of who awaits whom (pstree). It reads the target's memory\n"
    "and never stops it or writes to it.";

constexpr const char* kFooter =
    "Exit codes: 0 success, 1 pstree found an await cycle, 2 bad command line, 3 no such\n"
    "process (or it exited while being read), 4 permission denied, 5 not a Python process or\n"
    "an unsupported Python version, 6 the target kept changing while being read.\n"
    "See aps(1) for details and for where aps differs from `python -m asyncio`.\n";

// A pid is a positive decimal number that fits pid_t; anything else is a usage error.
const CLI::Validator kPid(
    [](std::string& text) -> std::string {
        long long value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || value <= 0 ||
            value > std::numeric_limits<pid_t>::max()) {
            return "invalid pid '" + text + "' (expected a positive process id)";
        }
        return {};
    },
    "PID");

void add_target_options(CLI::App& sub, Options& options) {
    sub.add_option("pid", options.pid, "Process id of the Python program to inspect")
        ->required()
        ->check(kPid);
    sub.add_option("--retries", options.retries,
                   "Extra attempts when the target changes while being read")
        ->default_val(3)
        ->check(CLI::Range(0, 1000));
}

}  // namespace

int parse_options(int argc, char** argv, Options& options) {
    CLI::App app{kDescription, "aps"};
    app.footer(kFooter);
    app.set_version_flag("-V,--version", std::string("aps ") + APS_VERSION +
                                             " (reads CPython 3.14 and 3.15 targets)");
    app.require_subcommand(1);

    CLI::App* ps = app.add_subcommand(
        "ps", "List every asyncio task: thread, id, name, coroutine stack and awaiter");
    add_target_options(*ps, options);
    CLI::App* pstree = app.add_subcommand(
        "pstree", "Show the await graph as a tree of tasks and coroutine frames");
    add_target_options(*pstree, options);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "aps: %s\nRun 'aps --help' for usage.\n", e.what());
        return 2;
    }
    options.command = pstree->parsed() ? Command::PsTree : Command::Ps;
    return -1;
}

}  // namespace aps
