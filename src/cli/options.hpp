// The command line, as a plain value: which view, which process (or core file), how hard to try,
// how often.
#pragma once

#include <sys/types.h>

#include <string>

#include "aps/target.hpp"

namespace aps {

enum class Command { Ps, PsTree, Watch, Dump };

// --format: the reference's text (table for ps, tree for pstree) or a data view.
enum class Format { Text, Json, Ndjson, Dot };

struct Options {
    Command command = Command::Ps;
    pid_t pid = 0;
    int retries = 3;  // extra attempts after a read that saw the target change (3.15's --retries)
    unsigned jobs = kDefaultJobs;  // -j: threads aps may use to read and render (1: one core)
    bool stop = false;             // --stop: hold the target stopped (ptrace) while reading it
    bool verbose = false;          // -v: one line on stderr about the read (attempts, pause)
    double interval = 1.0;         // watch: seconds between samples
    int count = 0;                 // watch: stop after this many samples; 0 = until quit
    Format format = Format::Text;
    std::string core;     // --core FILE: read this core file instead of a live process (pid 0)
    std::string sysroot;  // --sysroot DIR: the core's mapped files are under DIR
    std::string exe;      // --exe PATH: the core's main executable
    // aps dump, with the reference's options (python3.15 -m profiling.sampling dump).
    struct {
        bool all_threads = false;    // -a: every thread, not only the main thread
        bool native = false;         // --native: <native> where C code called into Python
        bool gc = true;              // off with --no-gc: no <GC> frame where a collection runs
        bool opcodes = false;        // --opcodes: each Python frame's instruction
        bool async_aware = false;    // --async-aware: task stacks instead of thread stacks
        bool running_only = false;   // --async-mode running (default all)
        bool colour = false;         // the text in colour (python_colours: stdout a terminal)
        bool native_frames = false;  // --native-frames: real native stacks (libdw), target held
    } dump;
};

// Parses argv. Returns the exit code to stop with (0 after --help/--version, 2 for a bad command
// line, with the message already written) or -1 to go on with `options` filled.
int parse_options(int argc, char** argv, Options& options);

}  // namespace aps
