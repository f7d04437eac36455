#pragma once
// A certificate authority of one's own, for the local demo over TLS and the tests: a CA, one
// certificate per region, valid for the region's name (the name regions and clients check) and
// for 127.0.0.1 and localhost, usable as server and as client (regions reach each other over
// mutual TLS), and client certificates for people. Made with the openssl command, EC P-256.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace meridian::demo {

struct CertificateFiles {
    std::string certFile;  // PEM
    std::string keyFile;   // PEM, readable by its owner only
};

struct LocalCa {
    std::string caFile;  // the CA's certificate: what every side trusts
    std::map<std::string, CertificateFiles> regions;
    std::map<std::string, CertificateFiles> clients;
};

// Writes the CA and the certificates into `dir` (created if need be), keeping what is already
// there: a demo started again keeps its CA. `caName` names the CA in its subject.
absl::StatusOr<LocalCa> makeLocalCa(const std::string& dir, const std::vector<std::string>& regions,
                                    const std::vector<std::string>& clients,
                                    const std::string& caName = "Meridian local CA");

}  // namespace meridian::demo
