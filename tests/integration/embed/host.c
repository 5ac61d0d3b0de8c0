// A program that embeds CPython, as a test target for aps: it runs the Python file named by its
// first argument, like `python3.X FILE ARGS...`, through the embedding API (Py_RunMain). embed.py
// compiles it against the provisioned headers and links it to the shared libpython3.X.so. The
// interpreter reads PYTHONHOME and the other PYTHON* variables as usual.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [ARGS...]\n", argv[0]);
        return 2;
    }
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    // Run FILE with sys.argv = [FILE, ARGS...] as `python FILE ARGS...` would (sys.path[0] is
    // FILE's directory); the arguments are the program's, not options for Python.
    config.parse_argv = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.run_filename, argv[1]);
    if (!PyStatus_Exception(status)) status = PyConfig_SetBytesArgv(&config, argc - 1, argv + 1);
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) Py_ExitStatusException(status);
    return Py_RunMain();
}
