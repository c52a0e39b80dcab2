/// The `Host` rules of RFC 9112 §3.2: a request carries exactly one `Host`, and its value is `uri-host [":" port]`
/// (RFC 3986 §3.2.2), so `Host: user@host`, a path or a space in it, or a second `Host` line is answered 400, as
/// the RFC requires. Two servers that pick different `Host` lines, or read userinfo differently, route one request
/// two ways (cache poisoning, virtual-host confusion).
enum HostField {
    /// What is wrong with the request's `Host` lines, or nil: `authority` is the first `Host` (HTTP/1.1's codec
    /// moves it there) and `others` the further `Host` lines left among the fields.
    static func problem(authority: String?, others: Int) -> String? {
        guard others == 0 else { return "the request has \(others + 1) Host lines; RFC 9112 §3.2 allows one" }
        guard let authority else { return "the request has no Host; RFC 9112 §3.2 requires one" }
        return isValid(authority) ? nil : "the Host value is not host[:port]"
    }

    /// `IP-literal / IPv4address / reg-name`, then an optional `:` and digits.
    static func isValid(_ authority: String) -> Bool {
        var host = Substring(authority)
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"), host.first != "[" || host[..<colon].hasSuffix("]") {
            guard host[host.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return false }
            host = host[..<colon]
        }
        if host.first == "[" {
            guard host.last == "]", host.count > 2 else { return false }
            return host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        var index = host.utf8.startIndex
        let bytes = host.utf8
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "$"),
                UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
                UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
                index = bytes.index(after: index)
            case UInt8(ascii: "%"):
                let first = bytes.index(after: index)
                guard first != bytes.endIndex, bytes.index(after: first) != bytes.endIndex,
                    Character(Unicode.Scalar(bytes[first])).isHexDigit, Character(Unicode.Scalar(bytes[bytes.index(after: first)])).isHexDigit
                else { return false }
                index = bytes.index(first, offsetBy: 2)
            default:
                return false
            }
        }
        return true
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
