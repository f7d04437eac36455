#include "common/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace meridian::ui {
namespace {

QPalette lightPalette() {
    QPalette p;
    const QColor window(0xf3, 0xf4, 0xf6);
    const QColor text(0x1f, 0x23, 0x28);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf4));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x91, 0x99));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xfa, 0xfb, 0xfc));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe5, 0xe7, 0xeb));
    p.setColor(QPalette::Mid, QColor(0xc4, 0xc9, 0xd0));
    p.setColor(QPalette::Dark, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Shadow, QColor(0x6b, 0x72, 0x80));
    p.setColor(QPalette::Highlight, QColor(0x2b, 0x6c, 0xd9));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xc8));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9c, 0xa3, 0xaf));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9c, 0xa3, 0xaf));
    return p;
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x1e, 0x21, 0x25);
    const QColor text(0xe4, 0xe7, 0xeb);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x16, 0x18, 0x1b));
    p.setColor(QPalette::AlternateBase, QColor(0x1c, 0x1f, 0x23));
    p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2f, 0x35));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x88, 0x92));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2a, 0x2e, 0x34));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x46));
    p.setColor(QPalette::Midlight, QColor(0x31, 0x35, 0x3b));
    p.setColor(QPalette::Mid, QColor(0x3d, 0x42, 0x49));
    p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x16));
    p.setColor(QPalette::Shadow, QColor(0x0a, 0x0b, 0x0c));
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x7d, 0xe6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb2, 0xff));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6b, 0x72, 0x7b));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6b, 0x72, 0x7b));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6b, 0x72, 0x7b));
    return p;
}

bool dark() {
    return Theme::instance()->isDark();
}

}  // namespace

Theme* Theme::instance() {
    static Theme* theme = new Theme(qApp);
    return theme;
}

void Theme::apply(Mode mode) {
    m_mode = mode;
    if (auto* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    QApplication::setPalette(mode == Mode::Dark ? darkPalette() : lightPalette());
    emit changed(mode);
}

QColor Theme::good() {
    return dark() ? QColor(0x4c, 0xc7, 0x6f) : QColor(0x1b, 0x87, 0x3a);
}

QColor Theme::warning() {
    return dark() ? QColor(0xf2, 0xb2, 0x3e) : QColor(0xb4, 0x6a, 0x00);
}

QColor Theme::bad() {
    return dark() ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc8, 0x23, 0x1f);
}

QColor Theme::info() {
    return dark() ? QColor(0x6c, 0xaa, 0xff) : QColor(0x1a, 0x66, 0xd2);
}

QColor Theme::muted() {
    return dark() ? QColor(0x9a, 0xa3, 0xad) : QColor(0x5f, 0x67, 0x72);
}

QColor Theme::canvas() {
    return dark() ? QColor(0x14, 0x1c, 0x26) : QColor(0xe8, 0xf0, 0xf8);
}

QColor Theme::land() {
    return dark() ? QColor(0x2c, 0x34, 0x3e) : QColor(0xfb, 0xfb, 0xf9);
}

QColor Theme::landOutline() {
    return dark() ? QColor(0x46, 0x50, 0x5c) : QColor(0xb9, 0xc4, 0xd0);
}

QColor Theme::cloud(const QString& cloud) {
    if (cloud == QLatin1String("aws"))
        return QColor(0xf0, 0x8c, 0x00);
    if (cloud == QLatin1String("gcp"))
        return QColor(0x42, 0x85, 0xf4);
    if (cloud == QLatin1String("azure"))
        return QColor(0x8a, 0x5c, 0xd6);
    return QColor(0x88, 0x90, 0x98);
}

QColor Theme::series(int index) {
    // Tableau 10 and two more: distinct on white and on near-black alike.
    static const QColor colors[] = {
        QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59),
        QColor(0x76, 0xb7, 0xb2), QColor(0x59, 0xa1, 0x4f), QColor(0xed, 0xc9, 0x48),
        QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7), QColor(0x9c, 0x75, 0x5f),
        QColor(0xba, 0xb0, 0xac), QColor(0xd3, 0x72, 0x95), QColor(0x86, 0xbc, 0xb6)};
    constexpr int n = sizeof(colors) / sizeof(colors[0]);
    QColor c = colors[((index % n) + n) % n];
    return dark() ? c.lighter(115) : c;
}

QColor Theme::lag(double lagMs, bool broken) {
    if (broken || lagMs >= kLagCriticalMs)
        return bad();
    if (lagMs >= kLagWarningMs)
        return warning();
    return good();
}

}  // namespace meridian::ui
