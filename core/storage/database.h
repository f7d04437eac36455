#pragma once
// One region's SQLite database in WAL mode: a single writer connection for transactions and
// a pool of reader connections that read concurrently with it.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

enum class Durability {
    Full,    // fsync on every commit: survives power loss
    Normal,  // fsync at checkpoints: survives a process crash, not a power loss
};

class Database {
public:
    static absl::StatusOr<std::unique_ptr<Database>> open(const std::string& path,
                                                          Durability durability = Durability::Full);
    ~Database();

    // Runs `body` in one IMMEDIATE transaction on the writer connection; an error from `body`
    // (or from COMMIT) rolls everything back.
    absl::Status write(const std::function<absl::Status(Connection&)>& body);

    // A reader connection, returned to the pool when the lease ends.
    class Reader {
    public:
        Reader(Database* db, std::unique_ptr<Connection> c) : m_db(db), m_conn(std::move(c)) {}
        Reader(Reader&&) = default;
        ~Reader();
        Connection& operator*() { return *m_conn; }
        Connection* operator->() { return m_conn.get(); }

    private:
        Database* m_db;
        std::unique_ptr<Connection> m_conn;
    };
    absl::StatusOr<Reader> read();

    // Called after every successful commit of write() (on the writing thread).
    void setCommitListener(std::function<void()> listener) {
        m_commitListener = std::move(listener);
    }

    const std::string& path() const { return m_path; }
    int64_t sizeBytes() const;

private:
    Database(std::string path, std::unique_ptr<Connection> writer);
    void giveBack(std::unique_ptr<Connection> conn);
    static int onWalCommit(void* self, sqlite3* db, const char* name, int frames);
    void checkpointLoop(std::unique_ptr<Connection> conn);

    std::string m_path;
    Durability m_durability = Durability::Full;
    std::mutex m_writeMutex;
    std::unique_ptr<Connection> m_writer;
    std::function<void()> m_commitListener;
    std::mutex m_poolMutex;
    std::vector<std::unique_ptr<Connection>> m_readers;

    // The WAL is copied back into the database file on a thread of its own, so that a commit
    // does not wait for a checkpoint (SQLite's automatic one runs inside COMMIT).
    std::thread m_checkpointer;
    std::mutex m_checkpointMutex;
    std::condition_variable m_checkpointWake;
    std::condition_variable m_checkpointDone;
    bool m_checkpointDue = false;
    bool m_checkpointRunning = false;
    bool m_checkpointStop = false;
    std::atomic<int> m_walFrames{0};  // WAL size after the latest commit
};

}  // namespace meridian::storage
