/// Shows where in a pasted value a parse error is: the value, then a caret under the offending byte.
enum ErrorPointer {
    static func render(_ value: String, offset: Int) -> String {
        let bytes = Array(value.utf8)
        let shownStart = max(0, offset - 60)
        let shown = String(decoding: bytes[shownStart..<min(bytes.count, offset + 20)], as: UTF8.self)
        let prefix = String(decoding: bytes[shownStart..<min(offset, bytes.count)], as: UTF8.self)
        let visible = shown.map { $0.isASCII && !$0.isWhitespace || $0 == " " ? $0 : "·" }
        return "  " + String(visible) + "\n  " + String(repeating: " ", count: prefix.count) + "^"
    }
}
