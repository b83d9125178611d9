/// "Did you mean …?" for misspelt keys and values.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a plausible typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        // A third of the word may be wrong; beyond that the "suggestion" is noise.
        return best.distance <= max(2, word.count / 3) ? best.candidate : nil
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost one.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// `; did you mean "batch"?` or, with no plausible candidate, the full list of what is accepted.
    public static func hint(for word: String, among candidates: [String], listName: String) -> String {
        if let best = closest(to: word, among: candidates) { return "; did you mean \"\(best)\"?" }
        return "; \(listName): " + candidates.joined(separator: ", ")
    }
}
