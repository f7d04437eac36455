#pragma once
// One region on the Overview: health, role, cloud and place, rows, write and read rates,
// serving latency; a green accent while it answers, red with the reason when it is down.

#include <QFrame>

#include "console/consoledata.h"

class QLabel;

namespace meridian::ui {

class RegionCard : public QFrame {
    Q_OBJECT

public:
    explicit RegionCard(const console::RegionStatus& region, QWidget* parent = nullptr);

    void setStatus(const console::RegionStatus& region, qint64 nowMs);
    QString regionName() const { return m_name; }
    bool isUp() const { return m_up; }
    // The one-line health text shown ("Up", "Down: unreachable at …").
    QString healthText() const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void applyColors();

    QString m_name;
    bool m_up = false;
    bool m_polled = false;
    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_health;
    QLabel* m_place;
    QLabel* m_role;
    QLabel* m_error;
    QLabel* m_online;
    QLabel* m_offline;
    QLabel* m_writes;
    QLabel* m_reads;
    QLabel* m_latency;
    QLabel* m_uptime;
    QLabel* m_database;
    QLabel* m_wal;
    QLabel* m_changelog;
    QList<QLabel*> m_captions;
};

}  // namespace meridian::ui
