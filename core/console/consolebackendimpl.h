#pragma once
// ConsoleBackend's insides, shared by the files that implement its calls (consolebackend.cpp,
// erasurecalls.cpp): a channel and stubs per region, and the three ways a call goes out — to
// one region, to the first of several that answers, to every region at once.

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/regionchannel.h"
#include "client/regionclient.h"
#include "console/consolebackend.h"
#include "console/consolecalls.h"
#include "deployment/deployment.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "meridian/v1/registry.grpc.pb.h"
#include "meridian/v1/replication.grpc.pb.h"

namespace meridian::console {

inline constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

inline std::string defaultPrincipal() {
    const char* user = std::getenv("USER");
    return user && *user ? std::string(user) : std::string("meridian-console");
}

struct ConsoleBackend::Impl {
    struct Region {
        std::string name;
        std::string endpoint;
        std::shared_ptr<grpc::Channel> channel;
        std::unique_ptr<v1::Admin::Stub> admin;
        std::unique_ptr<v1::Registry::Stub> registry;
        std::unique_ptr<v1::Replication::Stub> replication;
    };

    deployment::Deployment deployment;
    registry::RegionSet regionSet;
    int deadlineMs;
    int pollDeadlineMs;
    std::vector<Region> regions;
    CallRegistry calls{defaultPrincipal()};

    Impl(deployment::Deployment d, int deadline, int pollDeadline)
        : deployment(std::move(d)),
          regionSet(deployment.regionSet()),
          deadlineMs(deadline),
          pollDeadlineMs(std::min(deadline, pollDeadline)) {
        for (const auto& entry : deployment.regions) {
            Region r;
            r.name = entry.info.name;
            r.endpoint = entry.endpoint;
            client::RegionChannelOptions options;
            options.maxMessageBytes = kMaxMessageBytes;
            // The deployment's CA and operator certificate; each region's certificate names it.
            options.tls = {.caFile = deployment.tls.ca,
                           .certFile = deployment.tls.clientCert,
                           .keyFile = deployment.tls.clientKey,
                           .serverName = entry.info.name};
            r.channel = client::makeRegionChannel(entry.endpoint, options);
            r.admin = v1::Admin::NewStub(r.channel);
            r.registry = v1::Registry::NewStub(r.channel);
            r.replication = v1::Replication::NewStub(r.channel);
            regions.push_back(std::move(r));
        }
    }

    // `name` empty: the control region, else the first region.
    absl::StatusOr<Region*> find(const std::string& name) {
        const std::string wanted = name.empty() ? deployment.controlRegion : name;
        for (auto& r : regions) {
            if (r.name == wanted)
                return &r;
        }
        if (name.empty() && !regions.empty())
            return &regions.front();
        return absl::NotFoundError("no region named '" + wanted + "' in deployment '" +
                                   deployment.name + "'");
    }

    // One unary call with the callback API; `done` runs on a gRPC thread unless shutdown began.
    template <typename Request, typename Response, typename Start>
    void unary(const Region& region, Request request, int timeoutMs, Start start,
               std::function<void(absl::StatusOr<Response>)> done) {
        struct Call {
            grpc::ClientContext ctx;
            Request request;
            Response response;
        };
        auto call = std::make_shared<Call>();
        call->request = std::move(request);
        if (!calls.begin(&call->ctx, timeoutMs))
            return;
        start(&call->ctx, &call->request, &call->response,
              [this, call, done = std::move(done), name = region.name, endpoint = region.endpoint,
               timeoutMs](grpc::Status status) {
                  if (!calls.closing()) {
                      if (status.ok())
                          done(std::move(call->response));
                      else
                          done(regionStatus(status, name, endpoint, timeoutMs));
                  }
                  calls.end(&call->ctx);
              });
    }

    // The regions to read registry data from: `name` alone, or (when empty) the control region
    // first and then every other region, whose read-only replicas serve when it is down.
    absl::StatusOr<std::vector<Region*>> readOrder(const std::string& name) {
        auto first = find(name);
        if (!first.ok())
            return first.status();
        std::vector<Region*> order{*first};
        if (name.empty()) {
            for (auto& r : regions) {
                if (&r != *first)
                    order.push_back(&r);
            }
        }
        return order;
    }

    // One call to the first region of `order` that can be reached.
    template <typename Request, typename Response, typename Start>
    void readFrom(std::vector<Region*> order, size_t index, Request request, Start start,
                  std::function<void(absl::StatusOr<Response>)> done) {
        Region* region = order[index];
        unary<Request, Response>(
            *region, request, deadlineMs,
            [region, start](auto* ctx, auto* req, auto* resp, auto cb) {
                start(*region, ctx, req, resp, std::move(cb));
            },
            [this, order, index, request, start,
             done = std::move(done)](absl::StatusOr<Response> answer) mutable {
                // The next call starts before this one ends, so shutdown still waits for it.
                if (!answer.ok() && client::isUnreachable(answer.status()) &&
                    index + 1 < order.size())
                    return readFrom<Request, Response>(order, index + 1, request, start,
                                                       std::move(done));
                done(std::move(answer));
            });
    }

    // The same call to every region; `done` gets each region's answer, in deployment order.
    template <typename Request, typename Response, typename Start>
    void fanOut(const Request& request, Start start,
                std::function<void(std::vector<absl::StatusOr<Response>>)> done) {
        struct Gather {
            std::mutex mutex;
            std::vector<absl::StatusOr<Response>> answers;
            size_t remaining = 0;
        };
        if (regions.empty()) {
            done({});
            return;
        }
        auto gather = std::make_shared<Gather>();
        gather->answers.resize(regions.size(), absl::UnknownError("no answer"));
        gather->remaining = regions.size();
        auto shared = std::make_shared<decltype(done)>(std::move(done));
        for (size_t i = 0; i < regions.size(); ++i) {
            auto& region = regions[i];
            unary<Request, Response>(
                region, request, deadlineMs,
                [&region, start](auto* ctx, auto* req, auto* resp, auto cb) {
                    start(region, ctx, req, resp, std::move(cb));
                },
                [gather, shared, i](absl::StatusOr<Response> answer) {
                    bool last = false;
                    {
                        std::lock_guard lock(gather->mutex);
                        gather->answers[i] = std::move(answer);
                        last = --gather->remaining == 0;
                    }
                    if (last)
                        (*shared)(std::move(gather->answers));
                });
        }
    }
};

}  // namespace meridian::console
