#include "common/consoleicons.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initMeridianResources() {
    Q_INIT_RESOURCE(meridian);
}

namespace meridian::ui {
namespace {

QIcon svg(const QString& name) {
    ConsoleIcons::initResources();
    static QHash<QString, QIcon> cache;
    auto it = cache.find(name);
    if (it == cache.end())
        it = cache.insert(name, QIcon(QStringLiteral(":/icons/%1.svg").arg(name)));
    return *it;
}

}  // namespace

void ConsoleIcons::initResources() {
    static const bool done = [] {
        initMeridianResources();
        return true;
    }();
    Q_UNUSED(done);
}

QIcon ConsoleIcons::app() {
    return svg(QStringLiteral("app"));
}

QIcon ConsoleIcons::page(const QString& name) {
    return svg(QStringLiteral("page-") + name);
}

QIcon ConsoleIcons::cloud(const QString& cloud) {
    if (cloud == QLatin1String("aws") || cloud == QLatin1String("gcp") ||
        cloud == QLatin1String("azure"))
        return svg(QStringLiteral("cloud-") + cloud);
    return svg(QStringLiteral("cloud-other"));
}

QIcon ConsoleIcons::objectKind(console::ObjectKind kind) {
    switch (kind) {
        case console::ObjectKind::Project:
            return svg(QStringLiteral("kind-project"));
        case console::ObjectKind::Entity:
            return svg(QStringLiteral("kind-entity"));
        case console::ObjectKind::DataSource:
            return svg(QStringLiteral("kind-datasource"));
        case console::ObjectKind::FeatureView:
            return svg(QStringLiteral("kind-featureview"));
        case console::ObjectKind::FeatureService:
            return svg(QStringLiteral("kind-featureservice"));
    }
    return {};
}

QIcon ConsoleIcons::lineageKind(console::LineageNode::Kind kind) {
    using K = console::LineageNode::Kind;
    switch (kind) {
        case K::Entity:
            return objectKind(console::ObjectKind::Entity);
        case K::DataSource:
            return objectKind(console::ObjectKind::DataSource);
        case K::FeatureView:
            return objectKind(console::ObjectKind::FeatureView);
        case K::FeatureService:
            return objectKind(console::ObjectKind::FeatureService);
        case K::Consumer:
            return svg(QStringLiteral("kind-consumer"));
        case K::Region:
            return region();
    }
    return {};
}

QIcon ConsoleIcons::region() {
    return svg(QStringLiteral("kind-region"));
}

QIcon ConsoleIcons::sync() {
    return svg(QStringLiteral("sync"));
}

QIcon ConsoleIcons::emulated() {
    return svg(QStringLiteral("emulated"));
}

QIcon ConsoleIcons::withSelectedWhite(const QIcon& icon) {
    QIcon out;
    for (int size : {16, 22, 32, 44}) {
        const QPixmap normal = icon.pixmap(size, size);
        QPixmap white(normal.size());
        white.fill(Qt::transparent);
        QPainter p(&white);
        p.drawPixmap(0, 0, normal);
        p.setCompositionMode(QPainter::CompositionMode_SourceIn);
        p.fillRect(white.rect(), Qt::white);
        p.end();
        out.addPixmap(normal, QIcon::Normal);
        out.addPixmap(white, QIcon::Selected);
    }
    return out;
}

QIcon ConsoleIcons::dot(const QColor& color) {
    static QHash<QRgb, QIcon> cache;
    auto it = cache.find(color.rgba());
    if (it != cache.end())
        return *it;
    QIcon icon;
    for (int size : {12, 16, 24}) {
        QPixmap pixmap(size * 2, size * 2);
        pixmap.setDevicePixelRatio(2);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(color.darker(130), 1));
        p.setBrush(color);
        const double r = size * 0.3;
        p.drawEllipse(QPointF(size / 2.0, size / 2.0), r, r);
        p.end();
        icon.addPixmap(pixmap);
    }
    return *cache.insert(color.rgba(), icon);
}

}  // namespace meridian::ui
