#pragma once
// The console's icons, from the hand-made SVGs in resources/meridian.qrc: the application,
// each page, each cloud, each registry object kind and lineage node kind, and state dots.

#include <QColor>
#include <QIcon>
#include <QString>

#include "console/consoledata.h"

namespace meridian::ui {

class ConsoleIcons {
public:
    // Registers the resources of the static library; call before the first icon (idempotent).
    static void initResources();

    static QIcon app();
    // "overview", "registry", "lineage", "replication", "costs", "alerts".
    static QIcon page(const QString& name);
    // "aws", "gcp", "azure"; anything else gets a grey cloud.
    static QIcon cloud(const QString& cloud);
    static QIcon objectKind(console::ObjectKind kind);
    static QIcon lineageKind(console::LineageNode::Kind kind);
    static QIcon region();
    static QIcon sync();
    static QIcon emulated();
    // `icon` as is, and white where it is shown selected (on the highlight colour).
    static QIcon withSelectedWhite(const QIcon& icon);
    // A filled circle, for states in tables and the status bar.
    static QIcon dot(const QColor& color);
};

}  // namespace meridian::ui
