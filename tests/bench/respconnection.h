#pragma once
// A blocking connection to a Redis server speaking RESP2 over loopback TCP: just enough for the
// benchmarks to send pipelined commands and read their replies (no hiredis dependency).

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::bench {

// A failed connection, an I/O error or an error reply; the benchmark stops on it.
class RespError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct RespReply {
    enum class Kind { Status, Error, Integer, Bulk, Nil, Array };
    Kind kind = Kind::Nil;
    std::string text;  // Status, Error, Bulk
    int64_t integer = 0;
    std::vector<RespReply> elements;  // Array
};

// Appends one command in RESP's array-of-bulk-strings form to `out`.
void appendCommand(std::string& out, const std::vector<std::string_view>& args);

class RespConnection {
public:
    // Connects to host:port (numeric IPv4), with TCP_NODELAY; throws RespError.
    static std::unique_ptr<RespConnection> connect(const std::string& host, int port);
    ~RespConnection();
    RespConnection(const RespConnection&) = delete;
    RespConnection& operator=(const RespConnection&) = delete;

    // Writes every byte of `commands` (one or many encoded commands).
    void send(std::string_view commands);
    // Reads one complete reply; nested arrays are read whole.
    RespReply read();
    // Reads `n` replies and throws if any of them is an error reply.
    void readOk(int n);
    // One command, one reply; throws on an error reply.
    RespReply call(const std::vector<std::string_view>& args);

private:
    explicit RespConnection(int fd) : m_fd(fd) {}
    std::string_view line();  // up to CRLF, consumed
    std::string_view take(size_t n);
    void fill();

    int m_fd = -1;
    std::string m_in;
    size_t m_pos = 0;
};

}  // namespace meridian::bench
