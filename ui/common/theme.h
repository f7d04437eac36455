#pragma once
// The console's two palettes, light and dark (Fusion style), and the few status colours every
// page paints with, chosen to stay legible on both. The choice is persisted by MainWindow.

#include <QColor>
#include <QObject>

namespace meridian::ui {

class Theme : public QObject {
    Q_OBJECT

public:
    enum class Mode { Light, Dark };

    static Theme* instance();

    Mode mode() const { return m_mode; }
    bool isDark() const { return m_mode == Mode::Dark; }
    // Sets the application's style and palette; widgets repaint through PaletteChange.
    void apply(Mode mode);

    static QColor good();
    static QColor warning();
    static QColor bad();
    static QColor info();
    static QColor muted();
    // Behind a map or a chart.
    static QColor canvas();
    static QColor land();
    static QColor landOutline();
    // A cloud's brand-like colour: aws orange, gcp blue, azure purple, others grey.
    static QColor cloud(const QString& cloud);
    // Distinct colours for chart series, the same index giving the same colour everywhere.
    static QColor series(int index);
    // Green when caught up, amber when behind, red when far behind or not streaming.
    static QColor lag(double lagMs, bool broken);

    static constexpr double kLagWarningMs = 1000;
    static constexpr double kLagCriticalMs = 5000;

signals:
    void changed(meridian::ui::Theme::Mode mode);

private:
    using QObject::QObject;
    Mode m_mode = Mode::Light;
};

}  // namespace meridian::ui
