#if canImport(Glibc)
import Glibc
#endif

/// The shared `main` of the fuzz targets.
///
/// Built with `-DFUZZING` and coverage instrumentation (see `make fuzz`), it hands control to libFuzzer's
/// driver (`LLVMFuzzerRunDriver`, from `libclang_rt.fuzzer_no_main`): linking libFuzzer's own `main` would
/// clash with the one SwiftPM gives every executable. Built normally (`swift build`), it replays the files
/// named on the command line once each, so the targets always compile and a finding can be re-run by hand.
public enum FuzzSupport {
    public static func main(_ body: @escaping ([UInt8]) -> Void) -> Never {
        #if FUZZING
        handler = body
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzSupport.handler?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        var failed = false
        for path in CommandLine.arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                print("cannot read \(path)")
                failed = true
                continue
            }
            body(bytes)
            print("replayed \(path) (\(bytes.count) bytes)")
        }
        exit(failed ? 1 : 0)
        #endif
    }

    nonisolated(unsafe) static var handler: (([UInt8]) -> Void)?

    /// The whole file, or nil when it cannot be read.
    public static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n == 0 { break }
            out += chunk[..<n]
        }
        return out
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
