#include "registry/registrydiffmodel.h"

#include <QApplication>
#include <QFontDatabase>
#include <QPalette>

#include "common/qtstrings.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

using Change = console::FieldDiff::Change;

QColor changeColor(Change change) {
    switch (change) {
        case Change::Added:
            return Theme::good();
        case Change::Removed:
            return Theme::bad();
        case Change::Modified:
            return Theme::warning();
    }
    return {};
}

// A faint wash of the change's colour over the table's base, legible in both palettes.
QColor rowTint(Change change) {
    const QColor base = QApplication::palette().color(QPalette::Base);
    const QColor c = changeColor(change);
    const qreal t = base.lightnessF() < 0.5 ? 0.16 : 0.09;
    return QColor::fromRgbF(base.redF() * (1 - t) + c.redF() * t,
                            base.greenF() * (1 - t) + c.greenF() * t,
                            base.blueF() * (1 - t) + c.blueF() * t);
}

}  // namespace

RegistryDiffModel::RegistryDiffModel(QObject* parent) : QAbstractTableModel(parent) {}

QString RegistryDiffModel::changeName(Change change) {
    switch (change) {
        case Change::Added:
            return tr("+ added");
        case Change::Removed:
            return tr("− removed");
        case Change::Modified:
            return tr("~ modified");
    }
    return {};
}

void RegistryDiffModel::setChanges(const QVector<console::FieldDiff>& changes) {
    beginResetModel();
    m_changes = changes;
    endResetModel();
}

int RegistryDiffModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_changes.size());
}

int RegistryDiffModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegistryDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
        case ChangeColumn:
            return tr("Change");
        case PathColumn:
            return tr("Path");
        case BeforeColumn:
            return tr("Before");
        case AfterColumn:
            return tr("After");
        default:
            return {};
    }
}

QVariant RegistryDiffModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_changes.size())
        return {};
    const auto& c = m_changes[index.row()];
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case ChangeColumn:
                    return changeName(c.change);
                case PathColumn:
                    return qs(c.path);
                case BeforeColumn:
                    return c.change == Change::Added ? QStringLiteral("—") : qs(c.before);
                case AfterColumn:
                    return c.change == Change::Removed ? QStringLiteral("—") : qs(c.after);
            }
            return {};
        case Qt::ToolTipRole:
            return QStringLiteral("%1\n%2 → %3")
                .arg(qs(c.path), c.before.empty() ? QStringLiteral("(none)") : qs(c.before),
                     c.after.empty() ? QStringLiteral("(none)") : qs(c.after));
        case Qt::BackgroundRole:
            return rowTint(c.change);
        case Qt::ForegroundRole:
            if (index.column() == ChangeColumn)
                return changeColor(c.change);
            if ((index.column() == BeforeColumn && c.change == Change::Added) ||
                (index.column() == AfterColumn && c.change == Change::Removed))
                return Theme::muted();
            return {};
        case Qt::FontRole:
            if (index.column() != ChangeColumn)
                return QFontDatabase::systemFont(QFontDatabase::FixedFont);
            return {};
        default:
            return {};
    }
}

}  // namespace meridian::ui
