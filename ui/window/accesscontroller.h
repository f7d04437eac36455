#pragma once
// The console's credentials for the open deployment: the token from MERIDIAN_TOKEN (or
// MERIDIAN_TOKEN_FILE), else the system keychain, else asked for with TokenDialog when the
// regions refuse; who the regions then take the console for, announced to the window and the
// pages (which grey out what the role may not do). A deployment whose regions ask for no
// credentials passes straight through.

#include <QObject>
#include <QPointer>

#include "bridge/regionservice.h"

namespace meridian::ui {

class TokenDialog;
class TokenStore;

class AccessController : public QObject {
    Q_OBJECT

public:
    AccessController(RegionService* service, QString deploymentKey, QString deploymentName,
                     QWidget* dialogParent, QObject* parent = nullptr);

    // Looks for a token and asks the regions who the console is.
    void start();
    const console::Identity& identity() const { return m_identity; }
    bool identified() const { return m_identified; }
    // The dialog while it asks (tests fill it in), else null.
    TokenDialog* dialog() const;
    TokenStore* store() const { return m_store; }
    // Forgets the token (keychain too) and asks again.
    void changeToken();

signals:
    void identityChanged(const meridian::console::Identity& identity);
    // Once per start: the console knows who it is, or no region answered, or the operator
    // declined to give a token. Requests may go out from here on.
    void settled();
    // A line for the status bar.
    void message(const QString& text);

private:
    void ask();
    void onIdentified(quint64 token, const console::Identity& identity);
    void askForToken(const QString& reason);
    void useToken(const QString& token, bool fromKeychain);

    RegionService* m_service;
    QString m_key;
    QString m_name;
    QWidget* m_dialogParent;
    TokenStore* m_store;
    QPointer<TokenDialog> m_dialog;
    console::Identity m_identity;
    bool m_identified = false;
    quint64 m_request = 0;
    QString m_token;
    bool m_tokenFromKeychain = false;
    bool m_rememberPending = false;
    QString m_keychainProblem;  // why the keychain could not be read, if it could not
};

}  // namespace meridian::ui
