// A row file pushed to the view merchant_risk (JSON lines, typed against the view's features).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzzsupport.h"
#include "rows/rowfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const meridian::rows::FeatureRowSchema schema = [] {
        auto catalog = meridian::fuzz::exampleRegion().registry().catalog();
        const auto* view = catalog->featureView("commerce", "merchant_risk");
        if (!view)
            std::abort();
        auto s = meridian::rows::featureRowSchema(*catalog, *view);
        if (!s.ok())
            std::abort();
        return *s;
    }();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)meridian::rows::parseFeatureRows(text, "fuzz.jsonl", schema);
    return 0;
}
