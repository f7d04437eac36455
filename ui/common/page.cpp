#include "common/page.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace meridian::ui {

QWidget* Page::section(const QString& title, QWidget* body, QWidget* extra) {
    auto* box = new QWidget(this);
    auto* header = new QHBoxLayout;
    auto* label = new QLabel(title, box);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    header->addWidget(label);
    header->addStretch(1);
    if (extra)
        header->addWidget(extra);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 4, 0, 0);
    v->setSpacing(4);
    v->addLayout(header);
    v->addWidget(body, 1);
    return box;
}

}  // namespace meridian::ui
