// Typed errors for every layer of aps: a small error code plus a message, carried in Result<T>.
// Nothing in aps throws; the CLI alone maps an Errc to an exit code.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace aps {

enum class Errc {
    NoSuchProcess,       // the pid does not exist, or the process exited while being read
    PermissionDenied,    // the kernel refused to let us read the target
    NotPython,           // no CPython runtime found in the target
    UnsupportedVersion,  // a CPython runtime, but not 3.14 or 3.15 (or a build we cannot read)
    ReadFailed,          // a remote read hit unmapped memory: the target changed or is corrupt
    CorruptData,         // a remote object failed validation: the target changed or is corrupt
    InvalidOffsets,      // the target's debug-offset tables fail their checks: static data,
                         // so no re-read can cure it (a build aps cannot read, or damage)
    TooLarge,            // the snapshot would pass one of the walk's total budgets (a hostile or
                         // garbage target): not retried
    BadImage,            // a local binary (ELF) file could not be parsed
    BadCore,             // a core file cannot be used: unreadable, not an ELF core, truncated
    FileMismatch,        // a file a core names is missing or is not the one the process mapped
    StopRefused,         // ptrace, or the ptrace access check of a read, refused for a reason
                         // the message names with what to do (--stop: another tracer,
                         // seccomp; any read: a target of aps's own user that is not dumpable)
    StopFailed,          // --stop: a thread did not stop in time, or ptrace failed otherwise
};

struct Error {
    Errc code;
    std::string message;
};

// Prefixes one breadcrumb of context ("reading task 0x…: ") to an error's message.
inline Error with_context(Error e, std::string_view context) {
    e.message = std::string(context) + ": " + e.message;
    return e;
}

// True for the errors that a re-read of a running target may cure.
inline bool is_transient(Errc code) {
    return code == Errc::ReadFailed || code == Errc::CorruptData;
}

template <class T>
class [[nodiscard]] Result {
  public:
    // By reference, not by value: a value is copied or moved into the Result once, not twice
    // (RemoteObject copies its bytes on a move).
    Result(const T& value) : v_(std::in_place_index<0>, value) {}
    Result(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const& { return error_; }
    Error&& error() && { return std::move(error_); }

  private:
    Error error_{};
    bool ok_ = true;
};

}  // namespace aps
