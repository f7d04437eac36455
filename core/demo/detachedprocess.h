#pragma once
// Processes that outlive the command that started them (the local demo's stores and
// generator): started in their own session with output to a log file, recognised again by
// their command line, and stopped for certain.

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace meridian::demo {

// Starts `argv` (argv[0] a path) in a new session, stdin from /dev/null, stdout and stderr
// appended to `logPath`; answers its pid.
absl::StatusOr<int> spawnDetached(const std::vector<std::string>& argv, const std::string& logPath);

// Runs `argv` (argv[0] looked up on PATH) to its end, stdin from /dev/null, stdout and stderr
// appended to `logPath`; OK when it exits with status 0, otherwise an error saying how it ended
// with the tail of the log.
absl::Status runToCompletion(const std::vector<std::string>& argv, const std::string& logPath);

// True while `pid` runs (a child of ours that has exited is reaped and counts as gone).
bool processAlive(int pid);

// True when `pid` runs with every one of `markers` among its arguments: a pid written down
// earlier may since belong to another program.
bool processHasArguments(int pid, const std::vector<std::string>& markers);

// How the process ended, when `pid` is a child of ours that has exited ("exited with status
// 2", "killed by signal 9"); "" while it runs or when it is not our child.
std::string exitDescription(int pid);

// SIGTERM to each, SIGKILL to those still running after `grace`; answers the pids that
// could not be stopped (empty on success).
std::vector<int> stopProcesses(const std::vector<int>& pids, std::chrono::milliseconds grace);

// Whether something already listens on `endpoint` (host:port): a bind on it fails.
absl::StatusOr<bool> portInUse(const std::string& endpoint);

// The last `lines` lines of a log file, for error messages ("" if it cannot be read).
std::string logTail(const std::string& path, int lines = 12);

}  // namespace meridian::demo
