#pragma once
// A page of the console: one QWidget subclass per page, shown in MainWindow's stack.

#include <QIcon>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "console/consoledata.h"

namespace meridian::ui {

class Page : public QWidget {
    Q_OBJECT

public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    virtual QIcon icon() const = 0;
    // The page became visible: refresh what is stale.
    virtual void activate() {}
    // True once the page shows real data (for --screenshot).
    virtual bool hasData() const = 0;
    // Who the regions take the console for: pages disable what the role may not do, saying
    // why in the tooltip.
    virtual void setIdentity(const console::Identity&) {}
    // Other views of the page worth a picture of their own (its tabs past the first), by name;
    // showView("") returns to the first (for --screenshot).
    virtual QStringList views() const { return {}; }
    virtual void showView(const QString&) {}
    // True once a view asked for by showView() shows what it asks the regions for.
    virtual bool viewReady(const QString&) const { return true; }

protected:
    // A titled block of a page: the title in bold, `extra` (a caption, a button) at the right
    // of it, and `body` below taking the room.
    QWidget* section(const QString& title, QWidget* body, QWidget* extra = nullptr);

signals:
    // A one-line message for the status bar.
    void message(const QString& text);
};

}  // namespace meridian::ui
