/// Appends `bytes` as a quoted JSON string. Bytes are copied verbatim except quotes, backslashes and control
/// characters, so a decoder gets the exact original text back.
func appendJSONString<S: Sequence>(_ bytes: S, to out: inout [UInt8]) where S.Element == UInt8 {
    let hex: [UInt8] = Array("0123456789abcdef".utf8)
    out.append(0x22)
    for b in bytes {
        switch b {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0..<0x20:
            out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
        default: out.append(b)
        }
    }
    out.append(0x22)
}

func appendJSONString(_ string: String, to out: inout [UInt8]) {
    appendJSONString(string.utf8, to: &out)
}
