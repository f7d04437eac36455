#pragma once
// The console's frame, kept thin: a navigation list (Ctrl+1…7, Ctrl+PgUp/PgDn) beside a stack
// of pages, File and View menus, and a status bar with the connection state and who the
// regions take the console for (AccessController asks for a token when they require one). It owns
// the RegionService and DeploymentMonitor of the open deployment and hands them to each page;
// window geometry, the last page, the palette and recent deployments persist in QSettings.

#include <QMainWindow>
#include <QTimer>

#include "common/theme.h"

class QActionGroup;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace meridian::ui {

class AccessController;
class DeploymentMonitor;
class Page;
class RegionService;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    static constexpr int kMaxRecent = 8;
    static constexpr qint64 kStaleAnswerMs = 5000;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Takes ownership of `service`: builds the monitor and every page for it, replacing the
    // deployment that was open. `key` names the deployment in the keychain (its file's path;
    // default: the title).
    void setService(RegionService* service, const QString& title, const QString& key = {});
    // Loads a deployment file and connects to its regions. On failure: false, and the reason
    // in `error`, or in a message box when `error` is null.
    bool openDeployment(const QString& path, QString* error = nullptr);
    void closeDeployment();
    // A line on the welcome screen, while there is no deployment (e.g. the demo starting).
    void showStartupMessage(const QString& text, bool isError = false);

    QList<Page*> pages() const;
    Page* currentPage() const;
    void showPage(int index);
    RegionService* service() const { return m_service; }
    DeploymentMonitor* monitor() const { return m_monitor; }
    AccessController* access() const { return m_access; }
    // "alice · viewer", or what the regions said when they refused the console's token.
    QString identityText() const;
    // The status bar's connection text: "3 of 4 regions up · refreshed 10:41:07".
    QString connectionText() const;

    static QStringList recentDeployments();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    QWidget* buildWelcome();
    void addPage(Page* page);
    void updateStatus();
    void rememberRecent(const QString& path);
    void rebuildRecent();
    void chooseDeployment();
    void setTheme(Theme::Mode mode);
    void restoreSettings();

    QStackedWidget* m_frame;
    QWidget* m_welcome;
    QLabel* m_welcomeMessage;
    QListWidget* m_welcomeRecent;
    QWidget* m_workspace;
    QListWidget* m_nav;
    QStackedWidget* m_pages;
    QLabel* m_connectionDot;
    QLabel* m_connection;
    QLabel* m_identity;
    QAction* m_changeToken;
    QMenu* m_recentMenu;
    QMenu* m_goMenu;
    QList<QAction*> m_pageActions;  // Ctrl+1…7
    QActionGroup* m_themeGroup;
    QAction* m_light;
    QAction* m_dark;
    QTimer m_statusTimer;
    RegionService* m_service = nullptr;
    DeploymentMonitor* m_monitor = nullptr;
    AccessController* m_access = nullptr;
    int m_restorePage = 0;
};

}  // namespace meridian::ui
