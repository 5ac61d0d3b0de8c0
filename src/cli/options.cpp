// CLI11 set-up for `aps ps`, `aps pstree` and `aps watch`; accepts the reference's command line as
// is.
#include "cli/options.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <limits>
#include <map>
#include <string>

#include "aps/version.hpp"
#include "cli/number_args.hpp"

namespace aps {

namespace {

constexpr const char* kDescription =
    "aps shows the asyncio tasks of a running CPython 3.14 or 3.15 process from outside,\n"
    "as a table (ps), as a tree of who awaits whom (pstree), or live with how long each task\n"
    "has been parked (watch). It reads the target's memory and never writes to it; it stops\n"
    "the target only when asked to (--stop).";

constexpr const char* kFooter =
    "Post-mortem: `aps ps --core FILE` reads an ELF core file (from gcore or the kernel) instead\n"
    "of a live process; memory the core left out is read from the files the process had mapped,\n"
    "found at their recorded paths, under --sysroot DIR, or (the executable) at --exe PATH.\n"
    "\n"
    "PID and every N are decimal: 010 is 10 (never octal); 0x10 or 1e3 are bad command lines.\n"
    "\n"
    "Exit codes: 0 success, 1 pstree found an await cycle, 2 bad command line, 3 no such\n"
    "process (or it exited while being read), 4 permission denied (with --stop: also ptrace\n"
    "refused), 5 not a Python process or an unsupported Python version, 6 the target kept\n"
    "changing while being read (or the core's memory is inconsistent; with --stop: a thread\n"
    "did not stop), 7 the core file cannot be read (not an ELF core, truncated), 8 a file the\n"
    "core names is missing or is not the one the process had mapped.\n"
    "watch: 0 after q or --count, 3 when the target exits; after Ctrl-C, SIGTERM or SIGHUP it\n"
    "restores the terminal and ends by that signal.\n"
    "Retries: a read that sees the target change (a torn list, a freed object) starts over at\n"
    "once with nothing cached, up to --retries times (default 3); other errors are not retried.\n"
    "When all fail, ps and pstree --stop give a consistent snapshot by pausing the target while\n"
    "aps reads.\n"
    "See aps(1) for details and for where aps differs from `python -m asyncio`.\n";

constexpr const char* kWatchFooter =
    "Rows: each task with how long it has been parked at the same await (same name, same\n"
    "coroutine stack and lines), longest first; '+' marks tasks already there at the first\n"
    "sample. Above them, the number of tasks per current coroutine. Keys: q quits, Ctrl-L\n"
    "redraws; Ctrl-C quits too (aps then ends by SIGINT). When standard output is not a\n"
    "terminal, a plain timestamped block is printed per sample instead, for a log. Colour only\n"
    "on a terminal, and never when NO_COLOR is set.\n"
    "Exit codes as for ps (aps --help); watch also exits 0 after q or --count, 3 when the\n"
    "target exits, and ends by the signal after Ctrl-C, SIGTERM or SIGHUP. See aps(1).\n";

// --format's words: ps knows table, pstree knows tree and dot; both know json and ndjson.
const std::map<std::string, Format> kPsFormats = {
    {"table", Format::Text}, {"json", Format::Json}, {"ndjson", Format::Ndjson}};
const std::map<std::string, Format> kPsTreeFormats = {{"tree", Format::Text},
                                                      {"json", Format::Json},
                                                      {"ndjson", Format::Ndjson},
                                                      {"dot", Format::Dot}};

void add_format_option(CLI::App& sub, Options& options, const std::map<std::string, Format>& words,
                       const std::string& help) {
    sub.add_option("--format", options.format, help)
        ->transform(CLI::CheckedTransformer(words, CLI::ignore_case).description(""))
        ->option_text("FORMAT");
}

// The numbers as typed: CLI11 would read "010" as octal and "0x10" as hex, so aps converts them
// itself, in decimal (number_args.hpp), once the command line is parsed.
struct NumberArgs {
    std::string pid;
    std::string retries;
    std::string count;
    std::string interval;
};

void add_target_options(CLI::App& sub, NumberArgs& numbers) {
    sub.add_option("pid", numbers.pid, "Process id of the Python program to inspect (or --core)")
        ->type_name("PID");
    sub.add_option("--retries", numbers.retries,
                   "Extra attempts when the target changes while being read; each one reads it "
                   "all again (0 to 1000, default 3)")
        ->type_name("N");
}

// ps and pstree also read core files.
void add_core_options(CLI::App& sub, Options& options) {
    CLI::Option* core =
        sub.add_option("--core", options.core,
                       "Read this ELF core file (gcore, or a crash) instead of a live process")
            ->type_name("FILE");
    sub.add_option("--sysroot", options.sysroot,
                   "With --core: the process's files are under DIR (a copy of its root)")
        ->type_name("DIR")
        ->needs(core);
    sub.add_option("--exe", options.exe, "With --core: the process's main executable")
        ->type_name("PATH")
        ->needs(core);
}

// ps and pstree only, for live targets: watch samples over and over and never stops the target.
void add_snapshot_options(CLI::App& sub, Options& options) {
    sub.add_flag("--stop", options.stop,
                 "Stop every thread of the target (ptrace) while reading it, for a consistent "
                 "snapshot; it resumes right after, even if aps is killed")
        ->excludes(sub.get_option("--core"));
    sub.add_flag("-v,--verbose", options.verbose,
                 "Print one line on stderr after a live read: read attempts and, with --stop, "
                 "how long the target was stopped");
}

// ps and pstree: one snapshot of a live process or a core, in the formats each knows.
CLI::App* add_snapshot_command(CLI::App& app, Options& options, NumberArgs& numbers,
                               const std::string& name, const std::string& description,
                               const std::map<std::string, Format>& formats,
                               const std::string& format_help) {
    CLI::App* sub = app.add_subcommand(name, description);
    add_target_options(*sub, numbers);
    add_format_option(*sub, options, formats, format_help);
    add_core_options(*sub, options);
    add_snapshot_options(*sub, options);
    return sub;
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "aps: %s\nRun 'aps --help' for usage.\n", message.c_str());
    return 2;
}

bool given(const CLI::App& command, const std::string& name) {
    const CLI::Option* option = command.get_option_no_throw(name);
    return option != nullptr && option->count() > 0;
}

// Converts the numbers given to `command` (in decimal); a usage error's exit code, or -1 when all
// are good.
int convert_numbers(const CLI::App& command, const NumberArgs& numbers, Options& options) {
    if (given(command, "pid")) {
        auto pid = parse_decimal(numbers.pid, 1, std::numeric_limits<pid_t>::max());
        if (!pid) {
            return usage_error("invalid pid '" + numbers.pid +
                               "' (expected a positive decimal process id)");
        }
        options.pid = static_cast<pid_t>(*pid);
    }
    if (given(command, "--retries")) {
        auto retries = parse_decimal(numbers.retries, 0, 1000);
        if (!retries) {
            return usage_error("--retries: '" + numbers.retries +
                               "' is not a decimal number from 0 to 1000");
        }
        options.retries = static_cast<int>(*retries);
    }
    if (given(command, "--count")) {
        auto count = parse_decimal(numbers.count, 1, std::numeric_limits<int>::max());
        if (!count) {
            return usage_error("--count: '" + numbers.count +
                               "' is not a decimal number from 1 to " +
                               std::to_string(std::numeric_limits<int>::max()));
        }
        options.count = static_cast<int>(*count);
    }
    if (given(command, "--interval")) {
        auto interval = parse_decimal_fraction(numbers.interval, 0.1, 86400.0);
        if (!interval) {
            return usage_error("--interval: '" + numbers.interval +
                               "' is not a decimal number of seconds from 0.1 to 86400");
        }
        options.interval = *interval;
    }
    return -1;
}

}  // namespace

int parse_options(int argc, char** argv, Options& options) {
    CLI::App app{kDescription, "aps"};
    app.footer(kFooter);
    app.set_version_flag("-V,--version", std::string("aps ") + APS_VERSION +
                                             " (reads CPython 3.14 and 3.15 targets)");
    app.require_subcommand(1);
    NumberArgs numbers;

    CLI::App* ps = add_snapshot_command(
        app, options, numbers, "ps",
        "List every asyncio task: thread, id, name, coroutine stack and awaiter", kPsFormats,
        "table (default: the reference's table), json (one document, "
        "docs/json-schema.md) or ndjson (one task per line, streamed)");
    CLI::App* pstree = add_snapshot_command(
        app, options, numbers, "pstree",
        "Show the await graph as a tree of tasks and coroutine frames", kPsTreeFormats,
        "tree (default: the reference's tree), json, ndjson, or dot (the await "
        "graph for Graphviz: aps pstree --format dot PID | dot -Tsvg > graph.svg)");
    CLI::App* watch = app.add_subcommand(
        "watch", "Live view, like top: how long each task has been parked at the same await");
    watch->footer(kWatchFooter);
    add_target_options(*watch, numbers);
    watch
        ->add_option("--interval", numbers.interval,
                     "Seconds between samples, a decimal number from 0.1 to 86400 (default 1)")
        ->type_name("SECONDS");
    watch->add_option("--count", numbers.count, "Stop after N samples (default: until quit)")
        ->type_name("N");

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
    options.command = watch->parsed()    ? Command::Watch
                      : pstree->parsed() ? Command::PsTree
                                         : Command::Ps;
    const CLI::App& used = watch->parsed() ? *watch : pstree->parsed() ? *pstree : *ps;
    if (int stop = convert_numbers(used, numbers, options); stop >= 0) return stop;
    if ((options.pid == 0) == options.core.empty()) {
        const char* name = watch->parsed() ? "watch" : pstree->parsed() ? "pstree" : "ps";
        std::fprintf(stderr, "aps: %s needs a PID%s%s\nRun 'aps --help' for usage.\n", name,
                     watch->parsed() ? "" : " or --core FILE",
                     options.pid == 0 ? "" : ", not both");
        return 2;
    }
    return -1;
}

}  // namespace aps
