/// Round-robin over the configured hosts. A host that failed at the transport level sits out for a backoff
/// while at least one other host is up; when all are down the one due back first is used anyway.
struct HostPool {
    let hosts: [String]
    private let backoff: Backoff
    private var downUntil: [Double]
    private var failures: [Int]
    private var cursor = 0

    init(hosts: [String], backoff: Backoff) {
        precondition(!hosts.isEmpty, "at least one host is required")
        self.hosts = hosts
        self.backoff = backoff
        downUntil = Array(repeating: 0, count: hosts.count)
        failures = Array(repeating: 0, count: hosts.count)
    }

    /// The index of the host to use next.
    mutating func next(now: Double) -> Int {
        for step in 0..<hosts.count {
            let i = (cursor + step) % hosts.count
            if downUntil[i] <= now {
                cursor = (i + 1) % hosts.count
                return i
            }
        }
        let soonest = downUntil.indices.min { downUntil[$0] < downUntil[$1] }!
        cursor = (soonest + 1) % hosts.count
        return soonest
    }

    func isUp(_ i: Int, now: Double) -> Bool { downUntil[i] <= now }

    /// Whether some host other than `i` can take a request right now.
    func anotherIsUp(than i: Int, now: Double) -> Bool {
        hosts.indices.contains { $0 != i && downUntil[$0] <= now }
    }

    mutating func markDown(_ i: Int, now: Double) {
        failures[i] += 1
        // Never zero: a freshly failed host must not be picked again by the very next request.
        downUntil[i] = now + max(backoff.delay(failures: failures[i]), backoff.initial / 2)
    }

    mutating func markUp(_ i: Int) {
        failures[i] = 0
        downUntil[i] = 0
    }
}
