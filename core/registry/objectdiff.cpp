#include "registry/objectdiff.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

namespace meridian::registry {
namespace {

using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

// The entry of a map field a path element points into (either side), or null.
const Message* mapEntry(const MessageDifferencer::SpecificField& f, bool preferNew) {
    if (!f.field || !f.field->is_map())
        return nullptr;
    if (preferNew)
        return f.map_entry2 ? f.map_entry2 : f.map_entry1;
    return f.map_entry1 ? f.map_entry1 : f.map_entry2;
}

std::string entryField(const Message& entry, const char* name) {
    std::string out;
    google::protobuf::TextFormat::PrintFieldValueToString(
        entry, entry.GetDescriptor()->FindFieldByName(name), -1, &out);
    return out;
}

// `added`: the path of an added element, whose map entries are those of the new message.
std::string pathOf(const std::vector<MessageDifferencer::SpecificField>& path, bool added = false) {
    std::string out;
    for (size_t i = 0; i < path.size(); ++i) {
        const auto& f = path[i];
        if (!out.empty())
            out += '.';
        out += f.field ? f.field->name() : std::to_string(f.unknown_field_number);
        if (f.field && f.field->is_repeated() && f.index >= 0 && !f.field->is_map())
            out += "[" + std::to_string(f.index) + "]";
        if (f.field && f.field->is_repeated() && f.new_index >= 0 && f.index < 0 &&
            !f.field->is_map())
            out += "[" + std::to_string(f.new_index) + "]";
        // A map entry is named by its key (tags["team"]), not by its "value" field.
        if (const Message* entry = mapEntry(f, added)) {
            out += "[" + entryField(*entry, "key") + "]";
            if (i + 1 < path.size() && path[i + 1].field &&
                path[i + 1].field->containing_type() == entry->GetDescriptor() &&
                path[i + 1].field->name() == "value")
                ++i;
        }
    }
    return out;
}

std::string render(const Message& message,
                   const std::vector<MessageDifferencer::SpecificField>& path, bool useNewIndex) {
    const auto& last = path.back();
    const Message* owner = &message;
    const auto* refl = owner->GetReflection();
    // Walk down to the message that holds the last field.
    for (size_t i = 0; i + 1 < path.size(); ++i) {
        const auto& f = path[i];
        refl = owner->GetReflection();
        const int index = useNewIndex && f.new_index >= 0 ? f.new_index : f.index;
        owner = f.field->is_repeated() ? &refl->GetRepeatedMessage(*owner, f.field, index)
                                       : &refl->GetMessage(*owner, f.field);
    }
    refl = owner->GetReflection();
    const auto* field = last.field;
    if (!field)
        return {};
    // An added or removed map entry shows its value.
    if (const Message* entry = mapEntry(last, useNewIndex))
        return entryField(*entry, "value");
    const int index = useNewIndex && last.new_index >= 0 ? last.new_index : last.index;
    std::string out;
    if (field->is_repeated()) {
        if (index < 0 || index >= refl->FieldSize(*owner, field))
            return {};
        google::protobuf::TextFormat::PrintFieldValueToString(*owner, field, index, &out);
    } else {
        google::protobuf::TextFormat::PrintFieldValueToString(*owner, field, -1, &out);
    }
    return out;
}

// A singular scalar of proto3 has no presence: going to or from its default (ttl 0 → 3600) is a
// change of value, not a field that appeared or vanished.
bool isPlainScalar(const std::vector<MessageDifferencer::SpecificField>& path) {
    const auto* field = path.back().field;
    return field && !field->is_repeated() && !field->has_presence() &&
           field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
}

class Collector : public MessageDifferencer::Reporter {
public:
    Collector(const Message& before, const Message& after, std::vector<FieldChange>& out)
        : m_before(before), m_after(after), m_out(out) {}

    void ReportAdded(const Message&, const Message&,
                     const std::vector<MessageDifferencer::SpecificField>& path) override {
        if (isPlainScalar(path)) {
            addModified(path);
            return;
        }
        m_out.push_back(
            {FieldChange::Kind::Added, pathOf(path, true), {}, render(m_after, path, true)});
    }
    void ReportDeleted(const Message&, const Message&,
                       const std::vector<MessageDifferencer::SpecificField>& path) override {
        if (isPlainScalar(path)) {
            addModified(path);
            return;
        }
        m_out.push_back(
            {FieldChange::Kind::Removed, pathOf(path), render(m_before, path, false), {}});
    }
    void ReportModified(const Message&, const Message&,
                        const std::vector<MessageDifferencer::SpecificField>& path) override {
        if (path.back().field &&
            path.back().field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE)
            return;  // the nested fields are reported one by one
        addModified(path);
    }

private:
    void addModified(const std::vector<MessageDifferencer::SpecificField>& path) {
        m_out.push_back({FieldChange::Kind::Modified, pathOf(path), render(m_before, path, false),
                         render(m_after, path, true)});
    }

    const Message& m_before;
    const Message& m_after;
    std::vector<FieldChange>& m_out;
};

}  // namespace

std::vector<FieldChange> diffObjects(const v1::RegistryObject& before,
                                     const v1::RegistryObject& after) {
    v1::RegistryObject a = before;
    v1::RegistryObject b = after;
    a.clear_meta();
    b.clear_meta();
    std::vector<FieldChange> out;
    Collector collector(a, b, out);
    MessageDifferencer differ;
    differ.set_report_matches(false);
    differ.set_report_moves(false);
    differ.ReportDifferencesTo(&collector);
    // Features and join keys are identified by name, not position.
    const auto* fv = v1::FeatureView::descriptor();
    differ.TreatAsMapWithMultipleFieldsAsKey(fv->FindFieldByName("features"),
                                             {v1::Field::descriptor()->FindFieldByName("name")});
    differ.TreatAsSet(v1::ReplicationPolicy::descriptor()->FindFieldByName("regions"));
    differ.TreatAsSet(fv->FindFieldByName("entities"));
    differ.TreatAsSet(fv->FindFieldByName("sources"));
    differ.Compare(a, b);
    return out;
}

}  // namespace meridian::registry
