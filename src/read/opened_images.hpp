// The mapped files one search of a target has opened and parsed, each once: .PyRuntime and
// .AsyncioDebug are looked for in the same files (the runtime's file is the first candidate for
// both), and opening a file, checking it and reading its headers is most of what finding them
// costs on a small target.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aps/error.hpp"
#include "read/image.hpp"
#include "read/section_locator.hpp"

namespace aps::read {

// What came of opening one path of a mapped file.
struct OpenedImage {
    std::unique_ptr<Image> image;  // the parsed file, or null
    bool unopenable = false;       // the path could not be opened at all (else: not an image)
    bool refused = false;          // ... for lack of permission
    std::string note;              // why there is no image
    std::optional<Error> stop;     // the file is not the one the target mapped: stop the search
};

class OpenedImages {
  public:
    // Opens `where` (one of access.paths(file)), parses it and runs access.verify on it, the
    // first time it is asked for; afterwards returns what came of it then.
    const OpenedImage& open(const MappedFile& file, const FilePath& where,
                            const FileAccess& access);

  private:
    std::map<std::string, OpenedImage> by_path_;  // by the path opened (unique per file)
};

}  // namespace aps::read
