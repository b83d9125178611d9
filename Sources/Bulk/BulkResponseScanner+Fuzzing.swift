/// The response scanner reads bytes a remote cluster (or whatever answers on its port) sends: the fuzz
/// target `fuzz-bulk-response` drives it through this entry point. Not API for anything else.
@_spi(Fuzzing) public enum BulkResponseFuzzing {
    /// Scans `body` as a `_bulk` answer and as an error answer; returns how many items it found (-1: not a
    /// `_bulk` answer, 0: all succeeded) so the work cannot be optimised away.
    public static func scan(_ body: [UInt8]) -> Int {
        let items: Int
        switch BulkResponseScanner.scan(body) {
        case nil: items = -1
        case .allSucceeded?: items = 0
        case .items(let list)?: items = list.count
        }
        _ = BulkResponseScanner.requestError(body)
        return items
    }
}
