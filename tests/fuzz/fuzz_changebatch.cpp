// A replication batch as a peer sends it: decompressed, parsed and applied to a region (gaps,
// replays, unknown schemas, damaged rows); and the same bytes read as a stored compact row.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzzsupport.h"
#include "replication/changeapplier.h"
#include "storage/rowformat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& region = meridian::fuzz::exampleRegion();
    const std::string input(reinterpret_cast<const char*>(data), size);
    meridian::v1::ChangeBatch batch;
    if (batch.ParseFromString(input)) {
        static meridian::replication::ChangeApplier applier(region.database(), region.viewIds(),
                                                            region.clock(), region.registry());
        (void)applier.apply("aws-eu-west-1", batch, meridian::replication::wallClockMs());
    }
    // The bytes as a row of every schema the region knows.
    auto& schemas = region.database().dictionaries().schemas;
    for (uint32_t id = 1; id <= 8; ++id) {
        auto schema = schemas.find(id);
        if (!schema)
            break;
        meridian::storage::RowReader reader(input, *schema);
        int field = 0;
        meridian::v1::Value value;
        while (reader.next(field) && reader.read(&value)) {
        }
    }
    return 0;
}
