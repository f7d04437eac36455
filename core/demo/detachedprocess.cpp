#include "demo/detachedprocess.h"

#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

extern char** environ;

namespace meridian::demo {
namespace {

// Exit statuses of children reaped by processAlive, for exitDescription.
std::mutex g_reapedMutex;
std::map<int, int> g_reaped;

void remember(int pid, int status) {
    std::lock_guard lock(g_reapedMutex);
    g_reaped[pid] = status;
}

std::string describeStatus(int status) {
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
    return "ended";
}

// What a started program's standard streams are: stdin /dev/null, stdout and stderr appended to
// a log file (created with `mode`); and its argv as execve wants it.
struct ChildSetup {
    posix_spawn_file_actions_t actions;
    std::vector<char*> args;

    ChildSetup(const std::vector<std::string>& argv, const std::string& logPath, mode_t mode) {
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, logPath.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, mode);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
    }
    ~ChildSetup() { posix_spawn_file_actions_destroy(&actions); }
    ChildSetup(const ChildSetup&) = delete;
    ChildSetup& operator=(const ChildSetup&) = delete;
};

}  // namespace

absl::StatusOr<int> spawnDetached(const std::vector<std::string>& argv,
                                  const std::string& logPath) {
    if (argv.empty())
        return absl::InvalidArgumentError("no program to start");
    // Logs name principals, paths and errors: readable by this user only.
    ChildSetup child(argv, logPath, 0600);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own session: no controlling terminal, so Ctrl-C in the shell that ran `demo up`
    // does not reach it; and default signal handling whatever ours is.
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGHUP);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    const int rc =
        posix_spawn(&pid, argv[0].c_str(), &child.actions, &attributes, child.args.data(), environ);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0)
        return absl::FailedPreconditionError("cannot start " + argv[0] + ": " + std::strerror(rc));
    return static_cast<int>(pid);
}

absl::Status runToCompletion(const std::vector<std::string>& argv, const std::string& logPath) {
    if (argv.empty())
        return absl::InvalidArgumentError("no program to run");
    ChildSetup child(argv, logPath, 0600);
    pid_t pid = 0;
    const int rc =
        posix_spawnp(&pid, argv[0].c_str(), &child.actions, nullptr, child.args.data(), environ);
    if (rc != 0)
        return absl::FailedPreconditionError("cannot run " + argv[0] + ": " + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return absl::InternalError("lost " + argv[0] + ": " + std::strerror(errno));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return absl::OkStatus();
    return absl::FailedPreconditionError(argv[0] + " " + (argv.size() > 1 ? argv[1] + " " : "") +
                                         describeStatus(status) + ":\n" + logTail(logPath, 6));
}

bool processAlive(int pid) {
    if (pid <= 0)
        return false;
    int status = 0;
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) {
        remember(pid, status);
        return false;
    }
    // Not our child (ECHILD) or still running (0): ask the kernel whether it exists.
    if (::kill(pid, 0) == 0)
        return true;
    return errno == EPERM;
}

bool processHasArguments(int pid, const std::vector<std::string>& markers) {
    if (pid <= 0)
        return false;
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    if (!in)
        return false;
    std::vector<std::string> args;
    std::string arg;
    while (std::getline(in, arg, '\0'))
        args.push_back(arg);
    for (const auto& m : markers) {
        bool found = false;
        for (const auto& a : args)
            found = found || a == m || a.ends_with("/" + m);
        if (!found)
            return false;
    }
    return true;
}

std::string exitDescription(int pid) {
    processAlive(pid);
    std::lock_guard lock(g_reapedMutex);
    const auto it = g_reaped.find(pid);
    return it == g_reaped.end() ? std::string() : describeStatus(it->second);
}

std::vector<int> stopProcesses(const std::vector<int>& pids, std::chrono::milliseconds grace) {
    std::vector<int> running;
    for (int pid : pids) {
        if (processAlive(pid) && ::kill(pid, SIGTERM) == 0)
            running.push_back(pid);
    }
    auto stillRunning = [&] {
        std::vector<int> left;
        for (int pid : running) {
            if (processAlive(pid))
                left.push_back(pid);
        }
        return left;
    };
    const auto deadline = std::chrono::steady_clock::now() + grace;
    std::vector<int> left = stillRunning();
    while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        left = stillRunning();
    }
    if (left.empty())
        return {};
    for (int pid : left)
        ::kill(pid, SIGKILL);
    // SIGKILL cannot be ignored; the kernel needs a moment to tear the process down.
    const auto killDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    running = left;
    left = stillRunning();
    while (!left.empty() && std::chrono::steady_clock::now() < killDeadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        left = stillRunning();
    }
    return left;
}

absl::StatusOr<bool> portInUse(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || colon + 1 == endpoint.size())
        return absl::InvalidArgumentError("endpoint '" + endpoint + "' is not host:port");
    std::string host = endpoint.substr(0, colon);
    const std::string port = endpoint.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    if (const int rc =
            ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
        rc != 0)
        return absl::InvalidArgumentError("endpoint '" + endpoint +
                                          "': cannot resolve it: " + gai_strerror(rc));
    bool inUse = false;
    absl::Status problem;
    for (addrinfo* a = found; a; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        // SO_REUSEADDR ignores connections lingering in TIME_WAIT, not a listener; and without
        // SO_REUSEPORT the bind fails even against a server that set it (gRPC does).
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
            if (errno == EADDRINUSE)
                inUse = true;
            else if (errno == EADDRNOTAVAIL)
                problem = absl::InvalidArgumentError("endpoint '" + endpoint +
                                                     "' is not an address of this machine");
        }
        ::close(fd);
        if (inUse)
            break;
    }
    ::freeaddrinfo(found);
    if (!inUse && !problem.ok())
        return problem;
    return inUse;
}

std::string logTail(const std::string& path, int lines) {
    std::ifstream in(path);
    if (!in)
        return {};
    std::deque<std::string> last;
    std::string line;
    while (std::getline(in, line)) {
        last.push_back(line);
        if (static_cast<int>(last.size()) > lines)
            last.pop_front();
    }
    std::string out;
    for (const auto& l : last)
        out += "  | " + l + "\n";
    return out;
}

}  // namespace meridian::demo
