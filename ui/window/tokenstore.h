#pragma once
// Where the console keeps a deployment's token: the system keychain (Secret Service, KWallet,
// macOS Keychain, Windows Credential Store) through QtKeychain, under the deployment file's
// absolute path — never in QSettings or any plain file. Without a keychain service the jobs
// fail, and the console says so and asks for the token each time it opens the deployment.

#include <QObject>
#include <QString>

#include <functional>

namespace meridian::ui {

class TokenStore : public QObject {
    Q_OBJECT

public:
    static constexpr const char* kService = "meridian-console";

    using QObject::QObject;

    // `done(token, error)`: the token kept for `deployment`; or none, with no error when none is
    // kept yet and the keychain's problem when it cannot be read (no keychain service).
    void load(const QString& deployment,
              std::function<void(const QString& token, const QString& error)> done);
    // `done(error)`: empty once the keychain holds it.
    void save(const QString& deployment, const QString& token,
              std::function<void(const QString& error)> done);
    void forget(const QString& deployment);
};

}  // namespace meridian::ui
