#pragma once
// A TCP proxy on loopback that counts the bytes flowing each way, for checking byte accounting
// against what really crosses the wire.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace meridian::test {

class CountingProxy {
public:
    // Listens on a free loopback port and forwards every connection to 127.0.0.1:`targetPort`.
    explicit CountingProxy(int targetPort);
    ~CountingProxy();

    int port() const { return m_port; }
    // Holds every piece the target sends back this long before passing it on (a slow
    // handshake, a long round trip).
    void setReplyDelayMs(int ms) { m_replyDelayMs = ms; }
    int64_t bytesFromTarget() const { return m_fromTarget.load(); }
    int64_t bytesToTarget() const { return m_toTarget.load(); }

private:
    void acceptLoop();
    static void pump(int from, int to, std::atomic<int64_t>& counter, std::atomic<bool>& stop,
                     const std::atomic<int>* delayMs = nullptr);

    int m_targetPort;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int64_t> m_fromTarget{0};
    std::atomic<int64_t> m_toTarget{0};
    std::atomic<int> m_replyDelayMs{0};
    std::thread m_acceptor;
    std::mutex m_mutex;
    std::vector<std::thread> m_pumps;
    std::vector<int> m_sockets;
};

}  // namespace meridian::test
