// The one place where an error becomes an exit code and a line on stderr (docs/aps.1 lists them).
#pragma once

#include <string>

#include "aps/error.hpp"

namespace aps {

enum ExitCode : int {
    kExitOk = 0,
    kExitCycle = 1,
    kExitUsage = 2,
    kExitNoSuchProcess = 3,
    kExitPermission = 4,
    kExitNotSupported = 5,
    kExitInconsistent = 6,
    kExitBadCore = 7,
    kExitFileMismatch = 8,
    kExitPartial = 9,      // some tasks could not be read whole: named on stderr, the rest printed
    kExitWriteError = 10,  // the output could not be written (cli/output_writer.hpp)
};

int exit_code_for(Errc code);

// The full text written to stderr for an error: "aps: <message>" plus, where one exists, the fix.
std::string describe_error(const Error& error);

}  // namespace aps
