#pragma once
// Draws the Progress column of the job history as a progress bar while a job runs, and as
// plain text once it has finished.

#include <QStyledItemDelegate>

namespace meridian::ui {

class JobProgressDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
};

}  // namespace meridian::ui
