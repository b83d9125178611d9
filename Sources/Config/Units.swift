/// Human-friendly sizes and durations as written in `logbridge.yaml`, shared by every module that reads them.

/// Parses a byte size: `512`, `512B`, `64KiB`, `5MiB`, `1GiB`, `10MB`, `1kB`, `1.5GiB`.
///
/// Binary units (`KiB`, `MiB`, `GiB`, `TiB`) are powers of 1024, decimal units (`kB`/`KB`, `MB`, `GB`, `TB`)
/// powers of 1000, because people copy both kinds from other tools' documentation and both must mean what they say.
/// Returns nil for anything else, for negative values, for fractions of a byte and on overflow.
public func parseByteSize(_ text: String) -> Int? {
    guard let (number, unit) = splitNumberAndUnit(text.trimmingWhitespace()), !number.isEmpty,
          let multiplier = byteUnits[unit] else { return nil }
    if let whole = Int(number) {
        let (bytes, overflow) = whole.multipliedReportingOverflow(by: multiplier)
        return overflow || bytes < 0 ? nil : bytes
    }
    guard let fraction = Double(number), fraction.isFinite, fraction >= 0 else { return nil }
    let bytes = fraction * Double(multiplier)
    guard bytes < Double(Int.max), bytes == bytes.rounded(.down) else { return nil }
    return Int(bytes)
}

/// Parses a duration into seconds: `250ms`, `1s`, `1.5s`, `2m`, `1h`, `1m30s`; a bare number is seconds.
///
/// Returns nil for anything else and for negative values.
public func parseDurationSeconds(_ text: String) -> Double? {
    var rest = Substring(text.trimmingWhitespace())
    if let bare = Double(rest) { return bare.isFinite && bare >= 0 && !rest.contains(where: \.isLetter) ? bare : nil }
    guard !rest.isEmpty else { return nil }
    var total = 0.0
    // Go-style compound durations ("1m30s"): number+unit pairs, each unit needed.
    while !rest.isEmpty {
        let numberEnd = rest.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) ?? rest.endIndex
        let unitEnd = rest[numberEnd...].firstIndex(where: { !$0.isLetter }) ?? rest.endIndex
        guard let value = Double(rest[..<numberEnd]), let scale = durationUnits[String(rest[numberEnd..<unitEnd])]
        else { return nil }
        total += value * scale
        rest = rest[unitEnd...]
    }
    return total.isFinite ? total : nil
}

/// Writes seconds back the way a person would, for documentation and messages (`0.25` → `250ms`).
public func formatDuration(seconds: Double) -> String {
    if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
    if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
    if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
    if seconds == seconds.rounded() { return "\(Int(seconds))s" }
    return "\(seconds)s"
}

private let byteUnits: [String: Int] = [
    "": 1, "B": 1,
    "kB": 1_000, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
    "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
]

private let durationUnits: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600]

/// `"5 MiB"` → (`"5"`, `"MiB"`); a space between number and unit is tolerated.
private func splitNumberAndUnit(_ text: String) -> (String, String)? {
    let unitStart = text.firstIndex(where: { !($0.isASCII && ($0.isNumber || $0 == ".")) }) ?? text.endIndex
    let number = String(text[..<unitStart])
    let unit = text[unitStart...].trimmingWhitespace()
    return unit.contains(where: { !$0.isLetter }) ? nil : (number, unit)
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let trimmedFront = drop(while: { $0.isWhitespace })
        return String(trimmedFront.reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
