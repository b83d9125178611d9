import Testing
@testable import SyslogInput

/// RFC 6587 framing, fed in awkward pieces.
struct FramerTests {
    func frames(_ input: String, max: Int = 64, pieces: Int = 1) -> [(String, Bool)] {
        var f = SyslogFramer(maxBytes: max)
        var out: [(String, Bool)] = []
        let bytes = Array(input.utf8)
        let step = Swift.max(1, bytes.count / pieces)
        var i = 0
        while i < bytes.count {
            let chunk = Array(bytes[i..<Swift.min(bytes.count, i + step)])
            chunk.withUnsafeBytes { f.feed($0) { out.append((String(decoding: $0, as: UTF8.self), $1)) } }
            i += step
        }
        f.finish { out.append((String(decoding: $0, as: UTF8.self), $1)) }
        return out
    }

    /// A connection over its memory budget stops after any message and resumes later with an empty feed; bytes
    /// held while paused are framed on resume. Whatever the stops, the same messages come out, in order.
    @Test func stoppingAndHoldingChangeNothingButWhen() {
        let input = Array("5 hello11 hello\nworld3 abc3 xyz".utf8) + Array("\n".utf8)
        let whole = frames(String(decoding: input, as: UTF8.self)).map(\.0)
        for stopEvery in [1, 2, 3] {
            var f = SyslogFramer(maxBytes: 64)
            var out: [String] = []
            var sinceStop = 0
            let emit: (UnsafeBufferPointer<UInt8>, Bool) -> Bool = { frame, _ in
                out.append(String(decoding: frame, as: UTF8.self))
                sinceStop += 1
                return sinceStop % stopEvery != 0
            }
            let half = input.count / 2
            Array(input[..<half]).withUnsafeBytes { f.feed($0, until: emit) }
            Array(input[half...]).withUnsafeBytes { f.hold($0) }   // arrived while paused
            #expect(f.pendingBytes > 0)
            for _ in 0..<10 { f.feed(UnsafeRawBufferPointer(start: nil, count: 0), until: emit) }
            f.finish { frame, _ in out.append(String(decoding: frame, as: UTF8.self)) }
            #expect(out == whole, "stop every \(stopEvery)")
        }
    }

    @Test func octetCountingAndLFInAnyPieces() {
        for pieces in [1, 3, 7, 50] {
            #expect(frames("5 hello11 hello\nworld3 abc", pieces: pieces).map(\.0) == ["hello", "hello\nworld", "abc"])
            #expect(frames("one\ntwo\r\n\nthree", pieces: pieces).map(\.0) == ["one", "two", "three"])
        }
    }

    /// Found by fuzz-syslog: a message of exactly maxBytes (or one that fits with its CRLF) was cut and tagged
    /// truncated only when its LF arrived in a later TCP segment.
    @Test func messageAtTheLimitIsWholeWhateverTheSegmentation() {
        let exact = String(repeating: "a", count: 16), over = String(repeating: "b", count: 17)
        for pieces in [1, 2, 35] {
            let got = frames(exact + "\n" + exact + "\r\n" + over + "\r\n", max: 16, pieces: pieces)
            #expect(got.map(\.0) == [exact, exact, String(over.prefix(16))], "pieces: \(pieces)")
            #expect(got.map(\.1) == [false, false, true], "pieces: \(pieces)")
        }
        // Cut at connection close: the last message is marked truncated too.
        #expect(frames(over, max: 16).map(\.1) == [true])
    }

    @Test func numberStartingLineInLFModeIsNotACount() {
        #expect(frames("x\n123 apples\n").map(\.0) == ["x", "123 apples"])
    }

    @Test func oversizedIsTruncatedAndConnectionContinues() {
        let big = String(repeating: "a", count: 200)
        let r = frames("\(big.count) \(big)2 ok", max: 64, pieces: 5)
        #expect(r.map(\.1) == [true, false])
        #expect(r[0].0.count == 64 && r[1].0 == "ok")
        let lf = frames("\(big)\nnext\n", max: 64, pieces: 9)
        #expect(lf.map(\.0.count) == [64, 4] && lf.map(\.1) == [true, false])
    }

    @Test func wrongCountFallsBackToLF() {
        // The count says 3 but the message is longer: the rest is read as an LF-delimited frame.
        let r = frames("3 abcdef\n4 good", pieces: 2)
        #expect(r.map(\.0) == ["abc", "def", "good"])
    }

    @Test func unfinishedCountedFrameAtCloseIsTruncated() {
        let r = frames("20 short")
        #expect(r.count == 1 && r[0].0 == "short" && r[0].1)
    }
}
