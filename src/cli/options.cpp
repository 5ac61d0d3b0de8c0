// CLI11 set-up for `aps ps`, `aps pstree`, `aps watch` and `aps dump`; accepts the reference's
// command lines as they are. CLI11 sorts the words; aps converts the values and words every usage
// error itself: one line, what the user typed escaped.
#include "cli/options.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aps/version.hpp"
#include "cli/command_spec.hpp"
#include "cli/man_synopsis.hpp"
#include "cli/number_args.hpp"
#include "cli/shell_completion.hpp"
#include "render/escape.hpp"

namespace aps {

namespace {

constexpr const char* kDescription =
    "aps shows the asyncio tasks of a running CPython 3.14 or 3.15 process from outside,\n"
    "as a table (ps), as a tree of who awaits whom (pstree), live with how long each task\n"
    "has been parked (watch), or every thread's stack with its tasks (dump). It reads the\n"
    "target's memory and never writes to it; it stops the target only when asked to (--stop,\n"
    "dump --blocking).";

constexpr const char* kFooter =
    "Post-mortem: `aps ps|pstree|dump --core FILE` reads an ELF core file (from gcore or the\n"
    "kernel) instead of a live process; memory the core left out is read from the files the\n"
    "process had mapped, found at their recorded paths, under --sysroot DIR, or (the\n"
    "executable) at --exe PATH.\n"
    "\n"
    "PID and every N are decimal: 010 is 10 (never octal); 0x10 or 1e3 are bad command lines.\n"
    "A thread's id as PID reads its whole process (one line on stderr says so).\n"
    "\n"
    "Exit codes: 0 success, 1 pstree found an await cycle, 2 bad command line, 3 no such\n"
    "process (or it exited while being read), 4 permission denied (also for a process of your\n"
    "own user that is not dumpable: only root or CAP_SYS_PTRACE read it; with --stop: also\n"
    "ptrace refused), 5 not a Python process or an unsupported Python version, 6 the target\n"
    "kept changing while being read (or the core's memory is inconsistent; with --stop: a\n"
    "thread did not stop), 7 the core file cannot be read (not a regular file, not an ELF\n"
    "core, truncated), 8 a file the core names, or --exe, is missing, not a regular file, or\n"
    "not the one the process had mapped, 9 some task could not be read whole (the rest was\n"
    "printed; one stderr line names each such task), 10 the output could not be written (a\n"
    "full disk, a closed stdout, a broken pipe with SIGPIPE ignored).\n"
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

constexpr const char* kDumpFooter =
    "The text is that of `python3.15 -m profiling.sampling dump PID` (same options, same bytes on\n"
    "3.15 targets), for 3.14 targets too. Per thread: its id, its status (main thread, has GIL,\n"
    "on CPU, waiting for GIL, has exception; idle when none applies and it is off CPU), then its\n"
    "Python frames, outermost first, each with its source line, read from the target's own\n"
    "view of the file system (/proc/PID/root). --async-aware shows one stack per task that no\n"
    "other task awaits, through the tasks that await it; --async-mode running only the tasks\n"
    "the threads' loops are running, with the synchronous calls they made. --blocking stops\n"
    "the target while it is read (as --stop does for ps). --native-frames (aps's own) prints\n"
    "the native stacks instead (of every thread with -a), innermost first, with the Python\n"
    "frames above the _PyEval_EvalFrameDefault frame that runs them; the threads are stopped\n"
    "while they are unwound (milliseconds), and run on after, even if aps is killed.\n"
    "--core FILE dumps a core file instead (post-mortem): the pid it records heads the text,\n"
    "source lines come from the files under --sysroot DIR or at their recorded paths, and no\n"
    "thread is 'on CPU' or 'idle' (a core does not say), as with --blocking. --blocking and\n"
    "--native-frames are for live processes.\n"
    "Exit codes as for ps (aps --help). See aps(1).\n";

// --format's words: ps knows table, pstree knows tree and dot; both know json and ndjson.
struct FormatWord {
    const char* word;
    Format format;
};
constexpr FormatWord kPsFormats[] = {
    {"table", Format::Text}, {"json", Format::Json}, {"ndjson", Format::Ndjson}};
constexpr FormatWord kDumpFormats[] = {{"text", Format::Text}, {"json", Format::Json}};
constexpr FormatWord kPsTreeFormats[] = {{"tree", Format::Text},
                                         {"json", Format::Json},
                                         {"ndjson", Format::Ndjson},
                                         {"dot", Format::Dot}};

// Every value as typed. CLI11 would read "010" as octal, "0x10" as hex, a format by its enum
// number, and word its errors in its own terms; aps converts and checks the values itself once
// the words are sorted out (number_args.hpp), and says what is wrong in one line.
struct Given {
    std::string pid;
    std::string retries;
    std::string count;
    std::string interval;
    std::string format;
    std::string jobs;
    std::string async_mode;
    bool no_gc = false;
};

// `pid_help` says what else may stand for the pid (ps, pstree and dump: --core).
void add_target_options(CLI::App& sub, Given& given, const std::string& pid_help) {
    sub.add_option("pid", given.pid,
                   "Process id of the Python program" + pid_help +
                       "; a thread's id reads its "
                       "process")
        ->type_name("PID");
    sub.add_option("--retries", given.retries,
                   "Extra attempts when the target changes while being read; each one reads it "
                   "all again (0 to 1000, default 3)")
        ->type_name("N");
    sub.add_option("-j,--jobs", given.jobs,
                   "Threads aps may use to read and render (default 2, the most that pays); 1 "
                   "keeps aps on one core, e.g. on a busy production host. The output is the same")
        ->type_name("N");
}

// ps, pstree and dump also read core files. --sysroot and --exe without --core, and --stop
// (--blocking) with it, are refused after parsing, in aps's words.
void add_core_options(CLI::App& sub, Options& options) {
    sub.add_option("--core", options.core,
                   "Read this ELF core file (gcore, or a crash) instead of a live process")
        ->type_name("FILE");
    sub.add_option("--sysroot", options.sysroot,
                   "With --core: the process's files are under DIR (a copy of its root)")
        ->type_name("DIR");
    sub.add_option("--exe", options.exe, "With --core: the process's main executable")
        ->type_name("PATH");
}

// ps and pstree only, for live targets: watch samples over and over and never stops the target.
// Flags take no value: "--stop=yes" is a usage error, not a CLI11 truth value.
void add_snapshot_options(CLI::App& sub, Options& options) {
    sub.add_flag("--stop", options.stop,
                 "Stop every thread of the target (ptrace) while reading it, for a consistent "
                 "snapshot; it resumes right after, even if aps is killed or suspended (not with "
                 "--core)")
        ->disable_flag_override();
    sub.add_flag("-v,--verbose", options.verbose,
                 "Print one line on stderr after a live read: read attempts and, with --stop, "
                 "how long the target was stopped")
        ->disable_flag_override();
}

// ps and pstree: one snapshot of a live process or a core, in the formats each knows.
CLI::App* add_snapshot_command(CLI::App& app, Options& options, Given& given,
                               const std::string& name, const std::string& description,
                               const std::string& format_help) {
    CLI::App* sub = app.add_subcommand(name, description);
    add_target_options(*sub, given, " to inspect (or --core)");
    sub->add_option("--format", given.format, format_help)->type_name("FORMAT");
    add_core_options(*sub, options);
    add_snapshot_options(*sub, options);
    return sub;
}

// aps dump: the reference's options, plus aps's own (--retries, -j, -v).
CLI::App* add_dump_command(CLI::App& app, Options& options, Given& given) {
    CLI::App* sub = app.add_subcommand(
        "dump", "Every thread's Python stack (or every task's), like profiling.sampling dump");
    sub->footer(kDumpFooter);
    add_target_options(*sub, given, " to dump (or --core)");
    auto& d = options.dump;
    sub->add_flag("-a,--all-threads", d.all_threads,
                  "Dump all threads in the process instead of just the main thread")
        ->disable_flag_override();
    sub->add_flag("--native", d.native,
                  "Include artificial <native> frames to denote calls to non-Python code")
        ->disable_flag_override();
    sub->add_flag("--no-gc", given.no_gc,
                  "Don't include artificial <GC> frames to denote active garbage collection")
        ->disable_flag_override();
    sub->add_flag("--opcodes", d.opcodes, "Show bytecode opcode names when available")
        ->disable_flag_override();
    sub->add_flag("--async-aware", d.async_aware,
                  "Show task stacks: each task no other task awaits, through its awaiters")
        ->disable_flag_override();
    sub->add_option("--async-mode", given.async_mode,
                    "running (only the tasks being run) or all (every task, the default); "
                    "requires --async-aware")
        ->type_name("MODE");
    sub->add_flag("--native-frames", d.native_frames,
                  "Each thread's real native stack (libdw), innermost first, with its Python "
                  "frames placed at the evaluation loops that run them; stops every thread of "
                  "the target (ptrace) while it is unwound, then lets it run on (not with --core)")
        ->disable_flag_override();
    sub->add_flag("--blocking", options.stop,
                  "Stop all threads of the target (ptrace) while reading it; it resumes right "
                  "after, even if aps is killed (not with --core)")
        ->disable_flag_override();
    add_core_options(*sub, options);
    sub->add_flag("-v,--verbose", options.verbose,
                  "Print one line on stderr after the read: attempts and, with --blocking, how "
                  "long the target was stopped")
        ->disable_flag_override();
    return sub;
}

// What the user typed, quoted, with control characters (ESC, newline ...) escaped as the
// renderers escape names: an error message never restyles the terminal or takes two lines.
std::string shown(std::string_view text) {
    return "'" + render::escape_text(text) + "'";
}

// The one line of a usage error; `command` names the subcommand whose help to see, if known.
int usage_error(const std::string& message, std::string_view command = {}) {
    const std::string help = command.empty() ? "aps --help" : fmt::format("aps {} --help", command);
    const std::string line = fmt::format("aps: {}; see '{}'\n", message, help);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    return 2;
}

bool was_given(const CLI::App& command, const std::string& name) {
    const CLI::Option* option = command.get_option_no_throw(name);
    return option != nullptr && option->count() > 0;
}

// The option of `command` that CLI11 calls `name` in its errors ("--core", "-v" or "stop"), as
// the user writes it; empty when it is none of them.
std::string option_named(const CLI::App& command, std::string_view name) {
    for (const CLI::Option* option : command.get_options()) {
        for (const std::string& long_name : option->get_lnames()) {
            if (name == "--" + long_name || name == long_name) return "--" + long_name;
        }
        for (const std::string& short_name : option->get_snames()) {
            if (name == "-" + short_name || name == short_name) return "-" + short_name;
        }
    }
    return {};
}

// CLI11's parse errors in aps's words. Only the option's name is taken from CLI11's text, and
// only when it is one of the command's own options: nothing of CLI11's wording reaches the user.
std::string describe_parse_error(const CLI::ParseError& error, const CLI::App& command) {
    const std::string what = error.what();
    const std::string name = option_named(command, what.substr(0, what.find_first_of(": ")));
    if (name.empty()) return "the command line cannot be parsed";
    if (what.find("flag override") != std::string::npos) {
        return fmt::format("{} takes no value", name);
    }
    if (what.find("missing") != std::string::npos) {
        return fmt::format("{} needs a value", name);
    }
    return fmt::format("{} is given more than once or with too many values", name);
}

// Words CLI11 could not place, in order, without the "--" that ends the options (CLI11 keeps it
// among them).
std::vector<std::string> unplaced(const CLI::App& command) {
    std::vector<std::string> words = command.remaining();
    std::erase(words, std::string("--"));
    return words;
}

bool is_option_word(const std::string& word) {
    return word.size() > 1 && word.starts_with('-');
}

// A word before the command: not a command, or an option aps does not have.
int not_a_command(const std::string& word) {
    if (is_option_word(word)) return usage_error("unknown option " + shown(word));
    return usage_error(
        fmt::format("unknown command {} (aps knows ps, pstree, watch and dump)", shown(word)));
}

// An option the command does not have ("--format" for watch), shown as far as its '='.
int unknown_option(const std::string& word, std::string_view name) {
    std::string option = word.substr(0, word.find('='));
    if (option == "-" || option == "--") option = word;
    return usage_error(fmt::format("{} has no option {}", name, shown(option)), name);
}

// Converts the values given to `command`; a usage error's exit code, or -1 when all are good.
int convert_values(const CLI::App& command, std::string_view name, const Given& given,
                   Options& options) {
    if (was_given(command, "pid")) {
        auto pid = parse_decimal(given.pid, 1, std::numeric_limits<pid_t>::max());
        if (!pid) {
            return usage_error(
                fmt::format("invalid pid {} (expected a positive decimal process id)",
                            shown(given.pid)),
                name);
        }
        options.pid = static_cast<pid_t>(*pid);
    }
    if (was_given(command, "--retries")) {
        auto retries = parse_decimal(given.retries, 0, 1000);
        if (!retries) {
            return usage_error(fmt::format("--retries: {} is not a decimal number from 0 to 1000",
                                           shown(given.retries)),
                               name);
        }
        options.retries = static_cast<int>(*retries);
    }
    if (was_given(command, "--jobs")) {
        auto jobs = parse_decimal(given.jobs, 1, 1024);
        if (!jobs) {
            return usage_error(
                fmt::format("--jobs: {} is not a decimal number from 1 to 1024", shown(given.jobs)),
                name);
        }
        options.jobs = static_cast<unsigned>(*jobs);
    }
    if (was_given(command, "--count")) {
        auto count = parse_decimal(given.count, 1, std::numeric_limits<int>::max());
        if (!count) {
            return usage_error(fmt::format("--count: {} is not a decimal number from 1 to {}",
                                           shown(given.count), std::numeric_limits<int>::max()),
                               name);
        }
        options.count = static_cast<int>(*count);
    }
    if (was_given(command, "--interval")) {
        auto interval = parse_decimal_fraction(given.interval, 0.1, 86400.0);
        if (!interval) {
            return usage_error(
                fmt::format("--interval: {} is not a decimal number of seconds from 0.1 to 86400",
                            shown(given.interval)),
                name);
        }
        options.interval = *interval;
    }
    if (was_given(command, "--format")) {
        const std::span<const FormatWord> words =
            options.command == Command::PsTree ? std::span<const FormatWord>(kPsTreeFormats)
            : options.command == Command::Dump ? std::span<const FormatWord>(kDumpFormats)
                                               : std::span<const FormatWord>(kPsFormats);
        const FormatWord* found = nullptr;
        std::string known;
        for (const FormatWord& w : words) {
            if (CLI::detail::to_lower(given.format) == w.word) found = &w;
            known += known.empty() ? "" : w.word == words.back().word ? " or " : ", ";
            known += w.word;
        }
        if (found == nullptr) {
            return usage_error(fmt::format("--format: {} is not a format of {} ({})",
                                           shown(given.format), name, known),
                               name);
        }
        options.format = found->format;
    }
    return -1;
}

// What goes with what: a PID or --core, not both; --sysroot and --exe only with --core; --stop
// only without it; no empty file names.
int check_combination(const CLI::App& command, std::string_view name, const Options& options) {
    const bool core = was_given(command, "--core");
    for (const char* option : {"--core", "--sysroot", "--exe"}) {
        const CLI::Option* o = command.get_option_no_throw(option);
        if (o != nullptr && o->count() > 0 && o->as<std::string>().empty()) {
            return usage_error(fmt::format("{} needs a non-empty value", option), name);
        }
    }
    if (!core && (was_given(command, "--sysroot") || was_given(command, "--exe"))) {
        return usage_error(fmt::format("{} is for core files: it needs --core FILE",
                                       was_given(command, "--sysroot") ? "--sysroot" : "--exe"),
                           name);
    }
    if (core && options.stop) {
        // dump spells --stop as the reference does.
        return usage_error(fmt::format("{} is for live processes: a core file does not change",
                                       options.command == Command::Dump ? "--blocking" : "--stop"),
                           name);
    }
    if (options.pid == 0 && !core) {
        return usage_error(fmt::format("{} needs a PID{}", name,
                                       options.command == Command::Watch ? "" : " or --core FILE"),
                           name);
    }
    if (options.pid != 0 && core) {
        return usage_error(fmt::format("{} takes a PID or --core FILE, not both", name), name);
    }
    return -1;
}

// dump's options that go together, checked as the reference checks them, in its words.
int check_dump(const CLI::App& command, const Given& given, Options& options) {
    auto& d = options.dump;
    d.gc = !given.no_gc;
    if (was_given(command, "--async-mode")) {
        if (given.async_mode != "running" && given.async_mode != "all") {
            return usage_error(fmt::format("argument --async-mode: invalid choice: {} (choose "
                                           "from running, all)",
                                           shown(given.async_mode)),
                               "dump");
        }
        d.running_only = given.async_mode == "running";
    }
    if (d.native_frames && (d.async_aware || d.native || d.opcodes)) {
        return usage_error("--native-frames does not go with --async-aware, --native or --opcodes",
                           "dump");
    }
    if (d.native_frames && !options.core.empty()) {
        return usage_error(
            "--native-frames is for live processes: a core has no threads to "
            "unwind here",
            "dump");
    }
    if (d.async_aware) {
        std::vector<std::string_view> issues;
        if (d.native) issues.push_back("--native");
        if (!d.gc) issues.push_back("--no-gc");
        if (d.all_threads) issues.push_back("--all-threads");
        if (!issues.empty()) {
            return usage_error(fmt::format("Options {} are incompatible with --async-aware. "
                                           "Async-aware profiling uses task-based stack "
                                           "reconstruction",
                                           fmt::join(issues, ", ")),
                               "dump");
        }
    } else if (was_given(command, "--async-mode")) {
        return usage_error("--async-mode requires --async-aware to be enabled", "dump");
    }
    return -1;
}

// The command line's definitions, the one source of --help, the parse, the shell completions and
// the man page's synopsis (command_spec.hpp).
struct Commands {
    CLI::App* ps = nullptr;
    CLI::App* pstree = nullptr;
    CLI::App* watch = nullptr;
    CLI::App* dump = nullptr;
};

Commands define_command_line(CLI::App& app, Options& options, Given& given) {
    app.footer(kFooter);
    app.set_version_flag("-V,--version", std::string("aps ") + APS_VERSION +
                                             " (reads CPython 3.14 and 3.15 targets)");
    app.require_subcommand(1);
    // Words CLI11 cannot place are kept (remaining()) and reported by aps, set before the
    // subcommands are added so that they inherit it.
    app.allow_extras();

    Commands c;
    c.ps = add_snapshot_command(app, options, given, "ps",
                                "List every asyncio task: thread, id, name, coroutine stack and "
                                "awaiter",
                                "table (default: the reference's table), json (one document, "
                                "docs/json-schema.md) or ndjson (one task per line, streamed)");
    c.pstree = add_snapshot_command(
        app, options, given, "pstree",
        "Show the await graph as a tree of tasks and coroutine frames",
        "tree (default: the reference's tree), json, ndjson, or dot (the await "
        "graph for Graphviz: aps pstree --format dot PID | dot -Tsvg > graph.svg)");
    c.watch = app.add_subcommand(
        "watch", "Live view, like top: how long each task has been parked at the same await");
    c.watch->footer(kWatchFooter);
    add_target_options(*c.watch, given, " to watch");
    c.watch
        ->add_option("--interval", given.interval,
                     "Seconds between samples, a decimal number from 0.1 to 86400 (default 1)")
        ->type_name("SECONDS");
    c.watch->add_option("--count", given.count, "Stop after N samples (default: until quit)")
        ->type_name("N");
    c.dump = add_dump_command(app, options, given);
    c.dump
        ->add_option("--format", given.format,
                     "text (default: the reference's text) or json (one object per thread with "
                     "its loop's state, docs/json-schema.md; reads the target twice, "
                     "0.2 s apart, to name a blocked loop; a core once)")
        ->type_name("FORMAT");
    return c;
}

OptionSpec option_spec(const CLI::Option& o, std::string_view command) {
    OptionSpec out;
    for (const std::string& n : o.get_snames()) out.names.push_back("-" + n);
    for (const std::string& n : o.get_lnames()) out.names.push_back("--" + n);
    if (o.get_type_size_max() > 0) out.value = o.get_type_name();
    if (out.names.back() == "--format") {
        const std::span<const FormatWord> words =
            command == "pstree" ? std::span<const FormatWord>(kPsTreeFormats)
            : command == "dump" ? std::span<const FormatWord>(kDumpFormats)
                                : std::span<const FormatWord>(kPsFormats);
        for (const FormatWord& w : words) out.words.push_back(w.word);
    }
    out.help = o.get_description();
    return out;
}

// `aps --generate WHAT`, hidden (not in --help): the build makes the completion scripts with it,
// and tests/integration/docs_drift.py checks docs/aps.1's synopsis against it.
int generate(std::string_view what) {
    const CommandSpec spec = command_spec();
    std::optional<std::string> text = what == "man-synopsis"
                                          ? std::optional<std::string>(man_synopsis(spec))
                                          : shell_completion(spec, what);
    if (!text) {
        return usage_error(
            fmt::format("--generate: {} is not bash, zsh, fish or man-synopsis", shown(what)));
    }
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
}

}  // namespace

CommandSpec command_spec() {
    CLI::App app{kDescription, "aps"};
    Options options;
    Given given;
    define_command_line(app, options, given);
    CommandSpec spec;
    for (const CLI::Option* o : app.get_options()) {
        if (o->nonpositional()) spec.options.push_back(option_spec(*o, {}));
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        SubcommandSpec s{sub->get_name(), sub->get_description(), {}, {}, false};
        for (const CLI::Option* o : sub->get_options()) {
            if (o->nonpositional()) {
                s.options.push_back(option_spec(*o, s.name));
                s.positional_optional =
                    s.positional_optional || s.options.back().names.back() == "--core";
            } else {
                s.positional = o->get_type_name();
            }
        }
        spec.subcommands.push_back(std::move(s));
    }
    return spec;
}

int parse_options(int argc, char** argv, Options& options) {
    if (argc == 3 && std::string_view(argv[1]) == "--generate") return generate(argv[2]);
    CLI::App app{kDescription, "aps"};
    Given given;
    // Named pointers, not a structured binding: clang (the fuzz build) does not let a lambda
    // capture one.
    const Commands commands = define_command_line(app, options, given);
    CLI::App* const ps = commands.ps;
    CLI::App* const pstree = commands.pstree;
    CLI::App* const watch = commands.watch;
    CLI::App* const dump = commands.dump;

    const auto used = [&]() -> CLI::App* {
        return dump->parsed()     ? dump
               : watch->parsed()  ? watch
               : pstree->parsed() ? pstree
               : ps->parsed()     ? ps
                                  : nullptr;
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::RequiredError&) {
        // No subcommand: the first word was not one (or there was none).
        const std::vector<std::string> words = unplaced(app);
        if (!words.empty()) return not_a_command(words.front());
        return usage_error("no command given: aps ps, aps pstree, aps watch or aps dump");
    } catch (const CLI::ParseError& e) {
        const CLI::App* command = used();
        const std::string name = command != nullptr ? command->get_name() : std::string();
        return usage_error(describe_parse_error(e, command != nullptr ? *command : app), name);
    }
    CLI::App* command = used();
    if (command == nullptr)
        return usage_error("no command given: aps ps, aps pstree, aps watch or aps dump");
    const std::string name = command->get_name();
    if (const std::vector<std::string> words = unplaced(app); !words.empty()) {
        return not_a_command(words.front());
    }
    // Unknown options first (watch --format json 5 is about --format, not about a pid 'json'),
    // then the values, then arguments too many.
    const std::vector<std::string> extra = unplaced(*command);
    for (const std::string& word : extra) {
        if (is_option_word(word)) return unknown_option(word, name);
    }
    options.command = command == watch    ? Command::Watch
                      : command == dump   ? Command::Dump
                      : command == pstree ? Command::PsTree
                                          : Command::Ps;
    if (int stop = convert_values(*command, name, given, options); stop >= 0) return stop;
    if (!extra.empty()) {
        return usage_error(
            fmt::format("unexpected argument {} ({} takes one PID)", shown(extra.front()), name),
            name);
    }
    if (int stop = check_combination(*command, name, options); stop >= 0) return stop;
    if (options.command == Command::Dump) return check_dump(*command, given, options);
    return -1;
}

}  // namespace aps
