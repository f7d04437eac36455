#include "support/countingproxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace meridian::test {

CountingProxy::CountingProxy(int targetPort) : m_targetPort(targetPort) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(m_listen, 16);
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_acceptor = std::thread([this] { acceptLoop(); });
}

CountingProxy::~CountingProxy() {
    m_stop = true;
    ::shutdown(m_listen, SHUT_RDWR);
    ::close(m_listen);
    if (m_acceptor.joinable())
        m_acceptor.join();
    std::lock_guard lock(m_mutex);
    for (int s : m_sockets)
        ::shutdown(s, SHUT_RDWR);
    for (auto& t : m_pumps) {
        if (t.joinable())
            t.join();
    }
    for (int s : m_sockets)
        ::close(s);
}

void CountingProxy::acceptLoop() {
    while (!m_stop) {
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const int client = ::accept(m_listen, nullptr, nullptr);
        if (client < 0)
            continue;
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(m_targetPort));
        if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(client);
            ::close(server);
            continue;
        }
        std::lock_guard lock(m_mutex);
        m_sockets.push_back(client);
        m_sockets.push_back(server);
        m_pumps.emplace_back([this, client, server] { pump(client, server, m_toTarget, m_stop); });
        m_pumps.emplace_back([this, client, server] {
            pump(server, client, m_fromTarget, m_stop, &m_replyDelayMs);
        });
    }
}

void CountingProxy::pump(int from, int to, std::atomic<int64_t>& counter, std::atomic<bool>& stop,
                         const std::atomic<int>* delayMs) {
    char buffer[64 * 1024];
    while (!stop) {
        pollfd p{from, POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready == 0)
            continue;
        if (ready < 0)
            break;
        const ssize_t n = ::recv(from, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        if (delayMs && *delayMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(delayMs->load()));
        ssize_t sent = 0;
        while (sent < n) {
            const ssize_t w =
                ::send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
            if (w <= 0)
                return;
            sent += w;
        }
        counter += n;
    }
    ::shutdown(to, SHUT_WR);
}

}  // namespace meridian::test
