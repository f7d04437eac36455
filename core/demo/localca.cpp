#include "demo/localca.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "demo/detachedprocess.h"

namespace meridian::demo {
namespace {

namespace fs = std::filesystem;

bool validName(const std::string& name) {
    if (name.empty() || name.size() > 63)
        return false;
    for (const char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

absl::Status writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        return absl::FailedPreconditionError("cannot write " + path.string());
    return absl::OkStatus();
}

// A key and a certificate for `name` signed by the CA in `dir`, unless both exist already.
absl::StatusOr<CertificateFiles> issue(const fs::path& dir, const std::string& name,
                                       const std::string& extensions, const std::string& log) {
    CertificateFiles files{(dir / (name + ".pem")).string(), (dir / (name + ".key")).string()};
    if (fs::exists(files.certFile) && fs::exists(files.keyFile))
        return files;
    const fs::path request = dir / (name + ".csr");
    const fs::path extFile = dir / (name + ".ext");
    if (auto st = writeText(extFile, extensions); !st.ok())
        return st;
    if (auto st = runToCompletion(
            {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", files.keyFile, "-out", request.string(), "-subj", "/CN=" + name},
            log);
        !st.ok())
        return st;
    ::chmod(files.keyFile.c_str(), 0600);
    if (auto st = runToCompletion(
            {"openssl", "x509", "-req", "-in", request.string(), "-CA", (dir / "ca.pem").string(),
             "-CAkey", (dir / "ca.key").string(), "-CAcreateserial", "-days", "825", "-sha256",
             "-extfile", extFile.string(), "-out", files.certFile},
            log);
        !st.ok())
        return st;
    std::error_code ignored;
    fs::remove(request, ignored);
    fs::remove(extFile, ignored);
    return files;
}

}  // namespace

absl::StatusOr<LocalCa> makeLocalCa(const std::string& dirPath,
                                    const std::vector<std::string>& regions,
                                    const std::vector<std::string>& clients,
                                    const std::string& caName) {
    for (const auto& name : regions)
        if (!validName(name))
            return absl::InvalidArgumentError("'" + name +
                                              "' cannot name a certificate (letters, digits, "
                                              "'-', '_' and '.', at most 63)");
    for (const auto& name : clients)
        if (!validName(name) || std::find(regions.begin(), regions.end(), name) != regions.end())
            return absl::InvalidArgumentError("'" + name +
                                              "' cannot name a client certificate (a valid name "
                                              "that is not a region's)");
    const fs::path dir(dirPath);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return absl::FailedPreconditionError("cannot create " + dir.string() + ": " + ec.message());
    const std::string log = (dir / "openssl.log").string();
    LocalCa ca;
    ca.caFile = (dir / "ca.pem").string();
    if (!fs::exists(ca.caFile) || !fs::exists(dir / "ca.key")) {
        const fs::path config = dir / "ca.cnf";
        if (auto st = writeText(config,
                                "[req]\ndistinguished_name = dn\nx509_extensions = ca\nprompt = "
                                "no\n[dn]\nCN = " +
                                    caName +
                                    "\n[ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = "
                                    "critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = "
                                    "hash\n");
            !st.ok())
            return st;
        if (auto st = runToCompletion(
                {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", (dir / "ca.key").string(),
                 "-out", ca.caFile, "-days", "3650", "-sha256", "-config", config.string()},
                log);
            !st.ok())
            return st;
        ::chmod((dir / "ca.key").c_str(), 0600);
        fs::remove(config, ec);
    }
    const std::string common =
        "basicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\n";
    for (const auto& region : regions) {
        auto files = issue(
            dir, region,
            common + "extendedKeyUsage = serverAuth, clientAuth\nsubjectAltName = DNS:" + region +
                ", DNS:localhost, IP:127.0.0.1\n",
            log);
        if (!files.ok())
            return files.status();
        ca.regions[region] = *files;
    }
    for (const auto& client : clients) {
        auto files = issue(dir, client, common + "extendedKeyUsage = clientAuth\n", log);
        if (!files.ok())
            return files.status();
        ca.clients[client] = *files;
    }
    return ca;
}

}  // namespace meridian::demo
