// Command-line parsing: the reference's command line is accepted as is; bad input exits 2.
#include "cli/options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

int parse(std::vector<std::string> words, aps::Options& options) {
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    return aps::parse_options(static_cast<int>(argv.size()), argv.data(), options);
}

// Parses a command line that must be a usage error: exit 2 and one line on stderr, "aps: ...",
// with no control character and none of CLI11's own wording. Returns the line.
std::string expect_usage_error(const std::vector<std::string>& words) {
    std::string shown;
    for (const std::string& w : words) shown += w + " ";
    aps::Options options;
    testing::internal::CaptureStderr();
    EXPECT_EQ(parse(words, options), 2) << shown;
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(err.rfind("aps: ", 0), 0u) << shown << ": " << err;
    EXPECT_EQ(err.find('\n'), err.size() - 1) << shown << ": " << err;
    for (char c : err.substr(0, err.size() - 1)) {
        const auto b = static_cast<unsigned char>(c);
        EXPECT_TRUE(b >= 0x20 && b != 0x7f) << shown << ": control byte in " << err;
    }
    for (const char* cli11 : {"Check", "FAILED", "->", "The following", "required", "Expected",
                              "excludes", "requires", "Run 'aps", "flag override", "At Most"}) {
        EXPECT_EQ(err.find(cli11), std::string::npos) << shown << ": " << err;
    }
    return err;
}

TEST(Options, PsWithPid) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "ps", "1234"}, options), -1);
    EXPECT_EQ(options.command, aps::Command::Ps);
    EXPECT_EQ(options.pid, 1234);
    EXPECT_EQ(options.retries, 3);
}

TEST(Options, PstreeWithRetriesLikeThe315Reference) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "pstree", "--retries", "7", "42"}, options), -1);
    EXPECT_EQ(options.command, aps::Command::PsTree);
    EXPECT_EQ(options.pid, 42);
    EXPECT_EQ(options.retries, 7);
}

TEST(Options, WatchWithDefaults) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "watch", "99"}, options), -1);
    EXPECT_EQ(options.command, aps::Command::Watch);
    EXPECT_EQ(options.pid, 99);
    EXPECT_EQ(options.interval, 1.0);
    EXPECT_EQ(options.count, 0);
    EXPECT_EQ(options.retries, 3);
}

TEST(Options, WatchIntervalCountAndRetries) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "watch", "--interval", "0.5", "--count", "3", "--retries", "1", "99"},
                    options),
              -1);
    EXPECT_EQ(options.command, aps::Command::Watch);
    EXPECT_EQ(options.interval, 0.5);
    EXPECT_EQ(options.count, 3);
    EXPECT_EQ(options.retries, 1);
}

TEST(Options, NumbersAreDecimalWhateverTheirLeadingZeros) {
    // kill, ps and /proc write pids in decimal: "010" is pid 10, not octal 8.
    aps::Options options;
    EXPECT_EQ(parse({"aps", "ps", "--retries", "010", "010"}, options), -1);
    EXPECT_EQ(options.pid, 10);
    EXPECT_EQ(options.retries, 10);
    aps::Options watch;
    EXPECT_EQ(parse({"aps", "watch", "--count", "010", "--retries", "08", "0000123"}, watch), -1);
    EXPECT_EQ(watch.pid, 123);
    EXPECT_EQ(watch.count, 10);
    EXPECT_EQ(watch.retries, 8);
}

TEST(Options, HexAndOtherNumberFormsAreUsageErrors) {
    for (std::vector<std::string> words : std::vector<std::vector<std::string>>{
             {"aps", "ps", "0x10"},
             {"aps", "ps", "0b101"},
             {"aps", "ps", "+5"},
             {"aps", "ps", "1e3"},
             {"aps", "ps", "5.0"},
             {"aps", "ps", "--retries", "0x10", "5"},
             {"aps", "ps", "--retries", "1e2", "5"},
             {"aps", "ps", "--retries", "3.0", "5"},
             {"aps", "watch", "--count", "0x10", "5"},
             {"aps", "watch", "--count", "2.5", "5"},
             {"aps", "watch", "0x10"},
         }) {
        expect_usage_error(words);
    }
}

TEST(Options, IntervalIsAFiniteDecimalNumberOfSeconds) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "watch", "--interval", "010.5", "1"}, options), -1);
    EXPECT_EQ(options.interval, 10.5);
    EXPECT_EQ(parse({"aps", "watch", "--interval", ".25", "1"}, options), -1);
    EXPECT_EQ(options.interval, 0.25);
    EXPECT_EQ(parse({"aps", "watch", "--interval", "86400", "1"}, options), -1);
    EXPECT_EQ(options.interval, 86400.0);
    // A non-finite interval made the watch loop spin at 100% CPU, deaf to SIGTERM.
    for (const char* text : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "+inf", "1e1",
                             "0x1p-3", "1.5.5", ".", "-1", "+1", "1 ", "86400.001", "0.09"}) {
        const std::string err = expect_usage_error({"aps", "watch", "--interval", text, "1"});
        EXPECT_EQ(err.rfind("aps: --interval: ", 0), 0u) << err;
    }
}

TEST(Options, FormatsPerCommand) {
    struct Case {
        std::vector<std::string> words;
        aps::Command command;
        aps::Format format;
    };
    for (const Case& c : std::vector<Case>{
             {{"aps", "ps", "1"}, aps::Command::Ps, aps::Format::Text},
             {{"aps", "ps", "--format", "table", "1"}, aps::Command::Ps, aps::Format::Text},
             {{"aps", "ps", "--format", "json", "1"}, aps::Command::Ps, aps::Format::Json},
             {{"aps", "ps", "--format=ndjson", "1"}, aps::Command::Ps, aps::Format::Ndjson},
             {{"aps", "pstree", "1"}, aps::Command::PsTree, aps::Format::Text},
             {{"aps", "pstree", "--format", "tree", "1"}, aps::Command::PsTree, aps::Format::Text},
             {{"aps", "pstree", "1", "--format", "JSON"}, aps::Command::PsTree, aps::Format::Json},
             {{"aps", "pstree", "--format", "ndjson", "1"},
              aps::Command::PsTree,
              aps::Format::Ndjson},
             {{"aps", "pstree", "--retries", "0", "--format", "dot", "1"},
              aps::Command::PsTree,
              aps::Format::Dot},
         }) {
        aps::Options options;
        EXPECT_EQ(parse(c.words, options), -1) << c.words[2];
        EXPECT_EQ(options.command, c.command);
        EXPECT_EQ(options.format, c.format) << c.words[2];
    }
}

TEST(Options, CoreFileInsteadOfAPid) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "ps", "--core", "core.123"}, options), -1);
    EXPECT_EQ(options.pid, 0);
    EXPECT_EQ(options.core, "core.123");
    aps::Options tree;
    EXPECT_EQ(
        parse({"aps", "pstree", "--core", "c", "--sysroot", "/srv/root", "--exe", "/x/py"}, tree),
        -1);
    EXPECT_EQ(tree.command, aps::Command::PsTree);
    EXPECT_EQ(tree.sysroot, "/srv/root");
    EXPECT_EQ(tree.exe, "/x/py");
}

TEST(Options, StopAndVerboseAreOffUnlessAsked) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "ps", "1234"}, options), -1);
    EXPECT_FALSE(options.stop);
    EXPECT_FALSE(options.verbose);
    aps::Options asked;
    EXPECT_EQ(parse({"aps", "pstree", "--stop", "-v", "1234"}, asked), -1);
    EXPECT_TRUE(asked.stop);
    EXPECT_TRUE(asked.verbose);
    aps::Options long_form;
    EXPECT_EQ(parse({"aps", "ps", "1234", "--verbose", "--stop", "--retries", "0"}, long_form), -1);
    EXPECT_TRUE(long_form.stop && long_form.verbose);
    EXPECT_EQ(long_form.retries, 0);
}

TEST(Options, HelpDescribesStopAndTheRetryPolicy) {
    aps::Options options;
    testing::internal::CaptureStdout();
    EXPECT_EQ(parse({"aps", "ps", "--help"}, options), 0);
    std::string help = testing::internal::GetCapturedStdout();
    EXPECT_NE(help.find("--stop"), std::string::npos) << help;
    EXPECT_NE(help.find("--verbose"), std::string::npos) << help;
    testing::internal::CaptureStdout();
    EXPECT_EQ(parse({"aps", "--help"}, options), 0);
    help = testing::internal::GetCapturedStdout();
    EXPECT_NE(help.find("--retries times (default 3)"), std::string::npos) << help;
    EXPECT_NE(help.find("10 the output could not be written"), std::string::npos) << help;
    EXPECT_NE(help.find("not dumpable"), std::string::npos) << help;
}

TEST(Options, BadCommandLinesExitTwo) {
    for (std::vector<std::string> words : std::vector<std::vector<std::string>>{
             {"aps"},
             {"aps", "ps"},
             {"aps", "ps", "abc"},
             {"aps", "ps", "0"},
             {"aps", "ps", "-5"},
             {"aps", "ps", "99999999999"},
             {"aps", "ps", "1", "2"},
             {"aps", "top", "1"},
             {"aps", "ps", "--retries", "-1", "5"},
             {"aps", "watch"},
             {"aps", "watch", "--interval", "0", "5"},
             {"aps", "watch", "--interval", "0.01", "5"},
             {"aps", "watch", "--interval", "abc", "5"},
             {"aps", "watch", "--count", "0", "5"},
             {"aps", "watch", "--count", "-2", "5"},
             {"aps", "ps", "--interval", "1", "5"},
             {"aps", "ps", "--format", "dot", "5"},
             {"aps", "ps", "--format", "tree", "5"},
             {"aps", "pstree", "--format", "table", "5"},
             {"aps", "pstree", "--format", "xml", "5"},
             {"aps", "pstree", "--format", "5"},
             {"aps", "ps", "42", "--core", "core"},
             {"aps", "ps", "--exe", "/x/py", "42"},
             {"aps", "pstree", "--sysroot", "/srv"},
             {"aps", "ps", "--core"},
             {"aps", "watch", "--core", "core"},
             {"aps", "ps", "--stop=maybe", "5"},
             {"aps", "watch", "--stop", "5"},
             {"aps", "ps", "--stop", "--core", "core"},
         }) {
        expect_usage_error(words);
    }
}

TEST(Options, UsageErrorsSayWhatIsWrongInApsWords) {
    struct Case {
        std::vector<std::string> words;
        std::string says;
    };
    for (const Case& c : std::vector<Case>{
             {{"aps"}, "aps: no command given"},
             {{"aps", "top", "1"}, "aps: unknown command 'top'"},
             {{"aps", "--foo", "ps", "1"}, "aps: unknown option '--foo'"},
             {{"aps", "ps"}, "aps: ps needs a PID or --core FILE"},
             {{"aps", "watch"}, "aps: watch needs a PID;"},
             {{"aps", "ps", "1", "2"}, "aps: unexpected argument '2' (ps takes one PID)"},
             {{"aps", "ps", "--format", "xml", "5"},
              "aps: --format: 'xml' is not a format of ps (table, json or ndjson)"},
             {{"aps", "pstree", "--format", "table", "5"},
              "aps: --format: 'table' is not a format of pstree (tree, json, ndjson or dot)"},
             {{"aps", "pstree", "--format"}, "aps: --format needs a value"},
             // Formats were also accepted by their enum number.
             {{"aps", "ps", "--format", "1", "5"}, "aps: --format: '1' is not a format of ps"},
             {{"aps", "pstree", "--format", "3", "5"}, "aps: --format: '3' is not a format"},
             // watch has no --format: that is the error, not a pid 'json'.
             {{"aps", "watch", "--format", "json", "5"}, "aps: watch has no option '--format'"},
             {{"aps", "watch", "--stop", "5"}, "aps: watch has no option '--stop'"},
             {{"aps", "ps", "--stop=1", "5"}, "aps: --stop takes no value"},
             {{"aps", "ps", "-v", "--verbose=yes", "5"}, "aps: --verbose takes no value"},
             {{"aps", "ps", "--core", "a", "--core", "b"}, "aps: --core is given more than once"},
             {{"aps", "ps", "42", "--core", "core"},
              "aps: ps takes a PID or --core FILE, not both"},
             {{"aps", "ps", "--exe", "/x/py", "42"}, "aps: --exe is for core files"},
             {{"aps", "ps", "--stop", "--core", "core"}, "aps: --stop is for live processes"},
             {{"aps", "ps", "--core", ""}, "aps: --core needs a non-empty value"},
             {{"aps", "ps", "--retries", "0x10", "5"},
              "aps: --retries: '0x10' is not a decimal number from 0 to 1000"},
             {{"aps", "ps", "json"}, "aps: invalid pid 'json' (expected a positive decimal"},
             // Control characters are escaped as the renderers escape names.
             {{"aps", "ps", "\x1b[31mred\nx"}, "aps: invalid pid '\\x1b[31mred\\nx'"},
             {{"aps", "pstree", "--format", "\xff\x07", "1"}, "aps: --format: '\\xff\\x07'"},
             {{"aps", "ps", "1", "\xe2\x80\xae"}, "aps: unexpected argument '\\u202e'"},
             {{"aps", "ps", "--bad\x1b]0;t\x07=1", "1"},
              "aps: ps has no option '--bad\\x1b]0;t\\x07'"},
         }) {
        const std::string err = expect_usage_error(c.words);
        EXPECT_EQ(err.rfind(c.says, 0), 0u) << "expected " << c.says << "\ngot " << err;
    }
}

TEST(Options, HelpAndVersionExitZero) {
    for (const char* flag : {"--help", "-h", "--version", "-V"}) {
        aps::Options options;
        testing::internal::CaptureStdout();
        EXPECT_EQ(parse({"aps", flag}, options), 0) << flag;
        EXPECT_FALSE(testing::internal::GetCapturedStdout().empty()) << flag;
    }
}

TEST(Options, DumpTakesTheReferencesOptions) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "dump", "-a", "--native", "--no-gc", "--opcodes", "--blocking", "42"},
                    options),
              -1);
    EXPECT_EQ(options.command, aps::Command::Dump);
    EXPECT_EQ(options.pid, 42);
    EXPECT_TRUE(options.dump.all_threads);
    EXPECT_TRUE(options.dump.native);
    EXPECT_FALSE(options.dump.gc);
    EXPECT_TRUE(options.dump.opcodes);
    EXPECT_TRUE(options.stop);  // --blocking is --stop
    aps::Options async;
    EXPECT_EQ(parse({"aps", "dump", "--async-aware", "--async-mode", "running", "7"}, async), -1);
    EXPECT_TRUE(async.dump.async_aware);
    EXPECT_TRUE(async.dump.running_only);
    EXPECT_TRUE(async.dump.gc);
}

// The option sets the reference refuses: exit 2 and one line in its words.
TEST(Options, DumpRefusesWhatTheReferenceRefuses) {
    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {{"aps", "dump", "--async-aware", "-a", "1"},
         "Options --all-threads are incompatible with --async-aware"},
        {{"aps", "dump", "--async-aware", "--native", "--no-gc", "1"},
         "Options --native, --no-gc are incompatible with --async-aware"},
        {{"aps", "dump", "--async-mode", "all", "1"},
         "--async-mode requires --async-aware to be enabled"},
        {{"aps", "dump", "--async-aware", "--async-mode", "some", "1"},
         "argument --async-mode: invalid choice: 'some' (choose from running, all)"},
    };
    for (const auto& [words, message] : cases) {
        aps::Options options;
        testing::internal::CaptureStderr();
        EXPECT_EQ(parse(words, options), 2) << message;
        const std::string err = testing::internal::GetCapturedStderr();
        EXPECT_EQ(err.rfind("aps: " + message, 0), 0u) << err;
        EXPECT_EQ(err.find('\n'), err.size() - 1) << err;
    }
    expect_usage_error({"aps", "dump"});
    expect_usage_error({"aps", "dump", "--core", "x", "1"});
}

// Post-mortem: every dump option that reads a snapshot takes --core, with --sysroot and --exe.
TEST(Options, DumpReadsACoreFile) {
    aps::Options options;
    EXPECT_EQ(parse({"aps", "dump", "-a", "--native", "--opcodes", "--format", "json", "--core",
                     "core.7", "--sysroot", "/srv/root", "--exe", "/x/py"},
                    options),
              -1);
    EXPECT_EQ(options.command, aps::Command::Dump);
    EXPECT_EQ(options.pid, 0);
    EXPECT_EQ(options.core, "core.7");
    EXPECT_EQ(options.sysroot, "/srv/root");
    EXPECT_EQ(options.exe, "/x/py");
    EXPECT_EQ(options.format, aps::Format::Json);
    EXPECT_TRUE(options.dump.all_threads && options.dump.native && options.dump.opcodes);
    aps::Options async;
    EXPECT_EQ(
        parse({"aps", "dump", "--async-aware", "--async-mode", "running", "--core", "c"}, async),
        -1);
    EXPECT_TRUE(async.dump.async_aware && async.dump.running_only);
    EXPECT_EQ(async.core, "c");
}

// What a core cannot do, and what only a core needs, in one line each (exit 2).
TEST(Options, DumpRefusesWhatACoreCannotDo) {
    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {{"aps", "dump", "--blocking", "--core", "c"},
         "aps: --blocking is for live processes: a core file does not change; see 'aps dump "
         "--help'"},
        {{"aps", "dump", "42", "--core", "c"},
         "aps: dump takes a PID or --core FILE, not both; see 'aps dump --help'"},
        {{"aps", "dump", "--native-frames", "--core", "c"},
         "aps: --native-frames is for live processes: a core has no threads to unwind here; see "
         "'aps dump --help'"},
        {{"aps", "dump", "--sysroot", "/srv", "42"},
         "aps: --sysroot is for core files: it needs --core FILE; see 'aps dump --help'"},
        {{"aps", "dump", "--exe", "/x/py", "42"},
         "aps: --exe is for core files: it needs --core FILE; see 'aps dump --help'"},
        {{"aps", "dump"}, "aps: dump needs a PID or --core FILE; see 'aps dump --help'"},
        {{"aps", "dump", "--core", ""},
         "aps: --core needs a non-empty value; see 'aps dump --help'"},
    };
    for (const auto& [words, message] : cases) {
        EXPECT_EQ(expect_usage_error(words), message + "\n");
    }
}

}  // namespace
