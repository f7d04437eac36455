#include "common/tablecolumns.h"

#include <QCoreApplication>

namespace meridian::ui {

QVariant columnAlignment(bool figure) {
    return QVariant::fromValue((figure ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
}

QVariant columnHeaderData(const QAbstractItemModel& model, int section, Qt::Orientation orientation,
                          int role, std::span<const char* const> names,
                          std::span<const char* const> tips, bool figure) {
    if (orientation != Qt::Horizontal || section < 0 || section >= static_cast<int>(names.size()))
        return {};
    if (role == Qt::TextAlignmentRole)
        return columnAlignment(figure);
    // The context tr() would use in the model's own class.
    const char* context = model.metaObject()->className();
    if (role == Qt::DisplayRole)
        return QCoreApplication::translate(context, names[section]);
    if (role == Qt::ToolTipRole)
        return QCoreApplication::translate(context, tips[section]);
    return {};
}

}  // namespace meridian::ui
