#pragma once
// How the console's flat tables align and label their columns: figures right-aligned and text
// left, each header with its name and a tooltip saying what the column holds.

#include <QAbstractItemModel>
#include <QVariant>

#include <span>

namespace meridian::ui {

// Qt::TextAlignmentRole of a cell or a header: figures right, text left, both centred vertically.
QVariant columnAlignment(bool figure);

// headerData() of a table whose columns are named in `names` and explained in `tips`, one each
// per column (QT_TR_NOOP strings, translated in `model`'s own context); `figure` right-aligns
// the section.
QVariant columnHeaderData(const QAbstractItemModel& model, int section, Qt::Orientation orientation,
                          int role, std::span<const char* const> names,
                          std::span<const char* const> tips, bool figure);

}  // namespace meridian::ui
