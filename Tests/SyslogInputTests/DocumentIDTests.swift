import ECS
import Testing

/// The in-place `_id` writer the inputs use per message must give exactly the ids the array-returning
/// `make` gives (ids already in clusters and spools stay valid), whatever the buffer held before.
struct DocumentIDTests {
    @Test func inPlaceIDMatchesArrayID() {
        var buffer: [UInt8] = Array("left over from a previous, longer id value".utf8)
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 31, 48, 200] {
            let key = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            let expected = DocumentID.make(key)
            key.withUnsafeBytes { DocumentID.make($0, into: &buffer) }
            #expect(buffer == expected)
            #expect(buffer.count == 22)
        }
    }
}
