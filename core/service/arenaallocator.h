#pragma once
// Request and response of a callback-API call allocated on one protobuf arena, freed in one go
// when the call completes: answers made of thousands of small messages cost one allocation.

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace meridian::service {

template <typename Request, typename Response>
class ArenaMessageAllocator final : public grpc::MessageAllocator<Request, Response> {
public:
    grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

private:
    class Holder final : public grpc::MessageHolder<Request, Response> {
    public:
        Holder() {
            this->set_request(google::protobuf::Arena::CreateMessage<Request>(&m_arena));
            this->set_response(google::protobuf::Arena::CreateMessage<Response>(&m_arena));
        }
        void Release() override { delete this; }

    private:
        google::protobuf::Arena m_arena;
    };
};

}  // namespace meridian::service
