#include "common/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace meridian::ui {
namespace {

// Each role's colour in the light and in the dark palette (Fusion's defaults for the rest).
struct RoleColors {
    QPalette::ColorGroup group;
    QPalette::ColorRole role;
    QRgb light;
    QRgb dark;
};

constexpr RoleColors kRoleColors[] = {
    {QPalette::All, QPalette::Window, 0xf3f4f6, 0x1e2125},
    {QPalette::All, QPalette::WindowText, 0x1f2328, 0xe4e7eb},
    {QPalette::All, QPalette::Base, 0xffffff, 0x16181b},
    {QPalette::All, QPalette::AlternateBase, 0xf6f8fa, 0x1c1f23},
    {QPalette::All, QPalette::ToolTipBase, 0xfffff4, 0x2b2f35},
    {QPalette::All, QPalette::ToolTipText, 0x1f2328, 0xe4e7eb},
    {QPalette::All, QPalette::PlaceholderText, 0x8a9199, 0x808892},
    {QPalette::All, QPalette::Text, 0x1f2328, 0xe4e7eb},
    {QPalette::All, QPalette::Button, 0xfafbfc, 0x2a2e34},
    {QPalette::All, QPalette::ButtonText, 0x1f2328, 0xe4e7eb},
    {QPalette::All, QPalette::BrightText, 0xffffff, 0xffffff},
    {QPalette::All, QPalette::Light, 0xffffff, 0x3a3f46},
    {QPalette::All, QPalette::Midlight, 0xe5e7eb, 0x31353b},
    {QPalette::All, QPalette::Mid, 0xc4c9d0, 0x3d4249},
    {QPalette::All, QPalette::Dark, 0x9ca3af, 0x121416},
    {QPalette::All, QPalette::Shadow, 0x6b7280, 0x0a0b0c},
    {QPalette::All, QPalette::Highlight, 0x2b6cd9, 0x3b7de6},
    {QPalette::All, QPalette::HighlightedText, 0xffffff, 0xffffff},
    {QPalette::All, QPalette::Link, 0x1a5fc8, 0x7ab2ff},
    {QPalette::Disabled, QPalette::Text, 0x9ca3af, 0x6b727b},
    {QPalette::Disabled, QPalette::WindowText, 0x9ca3af, 0x6b727b},
    {QPalette::Disabled, QPalette::ButtonText, 0x9ca3af, 0x6b727b},
};

QPalette paletteFor(Theme::Mode mode) {
    QPalette p;
    for (const auto& c : kRoleColors)
        p.setColor(c.group, c.role, QColor(mode == Theme::Mode::Dark ? c.dark : c.light));
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
    QApplication::setPalette(paletteFor(mode));
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
