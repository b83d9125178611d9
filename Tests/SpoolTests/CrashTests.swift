import Testing
import Foundation
import Glibc
@testable import Spool

/// A real crash: a child process appends with `fsync: .always` from two threads and is SIGKILLed at a random
/// moment. The child is this test binary again, running only `CrashChild` (enabled by an environment variable).
@Suite struct CrashTests {
    static let appenders = 2

    @Test func everyReturnedAppendSurvivesSIGKILL() throws {
        for round in 0..<3 {
            let dir = TempDirectory("crash"); defer { dir.cleanup() }
            let pid = try spawnChild(dir)
            let progress = dir.path + "/progress"
            let deadline = Date().addingTimeInterval(60)
            while (readProgress(progress).min() ?? 0) < 20 && Date() < deadline { usleep(5_000) }
            usleep(UInt32.random(in: 0...50_000))
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            let returned = readProgress(progress)
            #expect(returned.count == Self.appenders && returned.allSatisfy { $0 >= 20 }, "child never got going (round \(round))")

            let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
            let numbers = try readAll(spool).map { itemNumber($0.payload) }
            #expect(!numbers.contains(nil), "a record came back that the child never wrote")
            for t in 0..<Self.appenders {
                let mine = numbers.compactMap { $0 }.filter { $0 / 1_000_000 == t }.map { $0 % 1_000_000 }
                // All returned appends, in order, each once; at most the one in flight beyond them.
                #expect(Array(mine.prefix(returned[t])) == Array(0..<returned[t]), "round \(round) thread \(t)")
                #expect(mine.count <= returned[t] + 1)
                #expect(mine == Array(0..<mine.count))
            }
            spool.close()
        }
    }

    func readProgress(_ path: String) -> [Int] {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 8 * Self.appenders else { return [] }
        return (0..<Self.appenders).map { t in data.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: t * 8, as: Int64.self)) } }
    }

    func spawnChild(_ dir: TempDirectory) throws -> pid_t {
        let args = ["/proc/self/exe", "--testing-library", "swift-testing", "--filter", "CrashChild"]
        var env = ProcessInfo.processInfo.environment
        env["SPOOL_CRASH_CHILD"] = dir.path
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Keep the child's test output out of ours.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", &actions, nil, &argv, &envp)
        try #require(rc == 0, "posix_spawn failed: \(rc)")
        return pid
    }
}

@Suite struct CrashChild {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SPOOL_CRASH_CHILD"] != nil))
    func appendUntilKilled() throws {
        let base = ProcessInfo.processInfo.environment["SPOOL_CRASH_CHILD"]!
        let spool = try Spool(SpoolOptions(directory: base + "/spool", segmentBytes: 16 << 10, fsync: .always), logger: quietLogger)
        let progress = open(base + "/progress", O_RDWR | O_CREAT, 0o600)
        for t in 0..<CrashTests.appenders {
            Thread {
                var i = 0
                while true {
                    guard (try? spool.append(bulkItem(t * 1_000_000 + i, padTo: 300))) != nil else { continue }
                    i += 1
                    var count = Int64(i)
                    _ = pwrite(progress, &count, 8, off_t(t * 8))
                }
            }.start()
        }
        while true { sleep(1) }  // until SIGKILL
    }
}
