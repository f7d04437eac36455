#include "window/tokenstore.h"

#include <qt6keychain/keychain.h>

namespace meridian::ui {

void TokenStore::load(const QString& deployment,
                      std::function<void(const QString&, const QString&)> done) {
    auto* job = new QKeychain::ReadPasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(deployment);
    connect(job, &QKeychain::Job::finished, this, [job, done](QKeychain::Job*) {
        if (job->error() == QKeychain::NoError)
            done(job->textData(), {});
        else if (job->error() == QKeychain::EntryNotFound)
            done({}, {});
        else
            done({}, job->errorString());
    });
    job->start();
}

void TokenStore::save(const QString& deployment, const QString& token,
                      std::function<void(const QString&)> done) {
    auto* job = new QKeychain::WritePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(deployment);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [job, done](QKeychain::Job*) {
        done(job->error() == QKeychain::NoError ? QString() : job->errorString());
    });
    job->start();
}

void TokenStore::forget(const QString& deployment) {
    auto* job = new QKeychain::DeletePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(deployment);
    job->start();
}

}  // namespace meridian::ui
