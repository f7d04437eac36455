#include "respconnection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace meridian::bench {

void appendCommand(std::string& out, const std::vector<std::string_view>& args) {
    out += '*';
    out += std::to_string(args.size());
    out += "\r\n";
    for (auto a : args) {
        out += '$';
        out += std::to_string(a.size());
        out += "\r\n";
        out += a;
        out += "\r\n";
    }
}

std::unique_ptr<RespConnection> RespConnection::connect(const std::string& host, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw RespError(std::string("redis: socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
        ::close(fd);
        throw RespError("redis: '" + host + "' is not a numeric IPv4 address");
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        throw RespError("redis: connect to " + host + ":" + std::to_string(port) + ": " +
                        std::strerror(err));
    }
    // Small requests must leave at once, as any Redis client library sends them.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return std::unique_ptr<RespConnection>(new RespConnection(fd));
}

RespConnection::~RespConnection() {
    if (m_fd >= 0)
        ::close(m_fd);
}

void RespConnection::send(std::string_view commands) {
    while (!commands.empty()) {
        const ssize_t n = ::send(m_fd, commands.data(), commands.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw RespError(std::string("redis: send: ") + std::strerror(errno));
        }
        commands.remove_prefix(static_cast<size_t>(n));
    }
}

void RespConnection::fill() {
    // Drop what has been consumed before reading more, so the buffer stays small.
    if (m_pos > 0) {
        m_in.erase(0, m_pos);
        m_pos = 0;
    }
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            m_in.append(buffer, static_cast<size_t>(n));
            return;
        }
        if (n == 0)
            throw RespError("redis: connection closed by the server");
        if (errno != EINTR)
            throw RespError(std::string("redis: recv: ") + std::strerror(errno));
    }
}

std::string_view RespConnection::line() {
    for (;;) {
        const size_t end = m_in.find("\r\n", m_pos);
        if (end != std::string::npos) {
            std::string_view l(m_in.data() + m_pos, end - m_pos);
            m_pos = end + 2;
            return l;
        }
        fill();
    }
}

std::string_view RespConnection::take(size_t n) {
    while (m_in.size() - m_pos < n + 2)
        fill();
    std::string_view s(m_in.data() + m_pos, n);
    m_pos += n + 2;  // the payload's CRLF
    return s;
}

RespReply RespConnection::read() {
    // Copy the header: a later fill() may move the buffer under a view of it.
    const std::string header(line());
    if (header.empty())
        throw RespError("redis: empty reply line");
    auto number = [&header]() {
        int64_t v = 0;
        const auto* begin = header.data() + 1;
        const auto* end = header.data() + header.size();
        if (std::from_chars(begin, end, v).ptr != end)
            throw RespError("redis: malformed length or integer '" + header + "'");
        return v;
    };
    RespReply reply;
    switch (header[0]) {
        case '+':
            reply.kind = RespReply::Kind::Status;
            reply.text = header.substr(1);
            break;
        case '-':
            reply.kind = RespReply::Kind::Error;
            reply.text = header.substr(1);
            break;
        case ':':
            reply.kind = RespReply::Kind::Integer;
            reply.integer = number();
            break;
        case '$': {
            const int64_t n = number();
            if (n < 0) {
                reply.kind = RespReply::Kind::Nil;
                break;
            }
            reply.kind = RespReply::Kind::Bulk;
            reply.text = std::string(take(static_cast<size_t>(n)));
            break;
        }
        case '*': {
            const int64_t n = number();
            if (n < 0) {
                reply.kind = RespReply::Kind::Nil;
                break;
            }
            reply.kind = RespReply::Kind::Array;
            reply.elements.reserve(static_cast<size_t>(n));
            for (int64_t i = 0; i < n; ++i)
                reply.elements.push_back(read());
            break;
        }
        default:
            throw RespError("redis: unexpected reply '" + header + "'");
    }
    return reply;
}

void RespConnection::readOk(int n) {
    for (int i = 0; i < n; ++i) {
        auto r = read();
        if (r.kind == RespReply::Kind::Error)
            throw RespError("redis: " + r.text);
        for (const auto& e : r.elements) {
            if (e.kind == RespReply::Kind::Error)
                throw RespError("redis: " + e.text);
        }
    }
}

RespReply RespConnection::call(const std::vector<std::string_view>& args) {
    std::string command;
    appendCommand(command, args);
    send(command);
    auto r = read();
    if (r.kind == RespReply::Kind::Error)
        throw RespError("redis: " + r.text);
    return r;
}

}  // namespace meridian::bench
