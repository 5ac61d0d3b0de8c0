// Opening each mapped file of a search once; see opened_images.hpp.
#include "read/opened_images.hpp"

#include <fmt/format.h>

#include <cerrno>

#include "read/regular_file.hpp"

namespace aps::read {
namespace {

OpenedImage open_and_parse(const MappedFile& file, const FilePath& where,
                           const FileAccess& access) {
    OpenedImage out;
    RegularFile opened = open_regular_file(where.path, where.links);
    if (!opened.fd.valid()) {
        out.unopenable = true;
        out.refused = opened.error == EACCES || opened.error == EPERM;
        out.note = fmt::format("cannot open {}: {}", where.path, opened.refusal);
        return out;
    }
    auto image = open_image(opened.fd.get(), where.path);
    if (!image) {
        // A file that is not the one the target mapped is never used, nor skipped quietly.
        if (access.verify) {
            out.stop = Error{Errc::FileMismatch,
                             fmt::format("{} is not the {} the target had mapped: {}", where.path,
                                         file.path, image.error().message)};
        }
        out.note = image.error().message;
        return out;
    }
    if (access.verify) {
        if (auto same = access.verify(file, where.path, opened.fd.get(), **image); !same) {
            out.stop = std::move(same).error();
            return out;
        }
    }
    out.image = std::move(*image);
    return out;
}

}  // namespace

const OpenedImage& OpenedImages::open(const MappedFile& file, const FilePath& where,
                                      const FileAccess& access) {
    auto it = by_path_.find(where.path);
    if (it == by_path_.end()) {
        it = by_path_.emplace(where.path, open_and_parse(file, where, access)).first;
    }
    return it->second;
}

}  // namespace aps::read
