import HTTPAuth

/// The one form of a request target that every decision of the gateway reads: route matching, the static folder,
/// the upstream request, the audit record and `explain`.
///
/// An authentication layer that matches one spelling of a path while the server behind it serves another is
/// bypassed (nginx's `merge_slashes`, Apache's CVE-2021-41773 `.%2e/`, the `%2F` and `..;/` advisories of Traefik,
/// Caddy, Authelia and Spring). So the target is made canonical once, before anything looks at it:
///
/// - origin-form `/p?q`, or absolute-form `http://host/p?q` (RFC 9112 §3.2.2: its path is the path);
///   asterisk- and authority-form are refused;
/// - percent-encoded octets decoded once (`%61` is `a`, `%25` is a literal `%`, never decoded again);
/// - empty segments (`//`) and `.` dropped, `..` removes the segment before it (RFC 3986 §5.2.4), and a trailing
///   slash kept when the path ended in `/`, `.` or `..`;
/// - refused, because a server behind the gateway could read them as something else: an encoded `/` (`%2F`),
///   `\` raw or encoded (Windows and IIS read it as `/`), `;` raw or encoded (Tomcat and Jetty drop a segment's
///   `;…` path parameter), NUL and other control bytes, bytes that are not UTF-8 once decoded (overlong `%C0%AF`),
///   a malformed `%` escape, `..` above the root, a fragment, and an escape left after decoding (`%252F`): a server
///   that decodes twice (IIS CVE-2001-0333, a framework behind a decoding proxy) would read `/`.
///
/// The path sent on is each decoded segment encoded again where RFC 3986 `pchar` requires; the query is passed as
/// it came (it chooses no route).
struct CanonicalTarget: Sendable, Equatable {
    /// The decoded path, `/` first: what routes are matched against and the audit trail shows.
    let path: String
    /// The path as the static folder and the upstream receive it: ``path`` with every byte outside `pchar`
    /// percent-encoded.
    let encodedPath: String
    /// The query as received, without its `?`.
    let query: String?
    /// The target as the client sent it, which a Digest response signs (RFC 7616 §3.4: `uri` is the request-target).
    let received: String

    /// `encodedPath?query`, the origin-form target sent upstream.
    var target: String { encodedPath + (query.map { "?" + $0 } ?? "") }

    /// Why a target (or the `Host` that goes with it) was refused (400), for the audit trail.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case notOriginForm
        case malformedEscape
        case encodedSlash
        case backslash
        case pathParameter
        case controlByte
        case notUTF8
        case aboveRoot
        case fragment
        case doubleEncoded
        /// The `Host` lines break RFC 9112 §3.2 (``HostField``).
        case host(String)

        var description: String {
            switch self {
            case .notOriginForm: "the request target is neither a path nor an absolute http(s) URL"
            case .malformedEscape: "a '%' in the path is not followed by two hex digits"
            case .encodedSlash: "the path has an encoded '/' (%2F), which servers behind a gateway read differently"
            case .backslash: "the path has a '\\' (raw or %5C), which Windows servers read as '/'"
            case .pathParameter: "the path has a ';' (raw or %3B), which Java servers read as a path parameter"
            case .controlByte: "the path has a NUL or another control byte"
            case .notUTF8: "the decoded path is not UTF-8 (an overlong or broken sequence)"
            case .aboveRoot: "a '..' segment climbs above the root"
            case .fragment: "the request target has a fragment ('#'), which a client never sends"
            case .host(let problem): problem
            case .doubleEncoded: "the path is percent-encoded twice (%25 followed by hex digits), which a server that decodes again reads as another path"
            }
        }
    }

    /// Makes `requestTarget` (the request line's target, as received) canonical.
    init(requestTarget: String) throws(Refusal) {
        if let plain = Self.alreadyCanonical(requestTarget) {
            self = plain
            return
        }
        received = requestTarget
        var rest = Substring(requestTarget)
        if !rest.hasPrefix("/") {
            guard let afterScheme = Self.droppingHTTPScheme(rest) else { throw .notOriginForm }
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
            rest = afterScheme[authorityEnd...]
        }
        guard !rest.contains("#") else { throw .fragment }
        let queryStart = rest.firstIndex(of: "?")
        let rawPath = queryStart.map { rest[..<$0] } ?? rest
        let query = queryStart.map { String(rest[rest.index(after: $0)...]) }
        if let query, query.utf8.contains(where: { $0 < 0x21 || $0 == 0x7F }) { throw .controlByte }

        var segments: [String] = []
        var endsAsFolder = true
        for rawSegment in rawPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            let segment = try Self.decode(rawSegment)
            switch segment {
            case "":
                endsAsFolder = true
            case ".":
                endsAsFolder = true
            case "..":
                guard segments.popLast() != nil else { throw .aboveRoot }
                endsAsFolder = true
            default:
                segments.append(segment)
                endsAsFolder = false
            }
        }
        let joined = "/" + segments.joined(separator: "/") + (endsAsFolder && !segments.isEmpty ? "/" : "")
        path = joined
        encodedPath = "/" + segments.map(Self.encode).joined(separator: "/") + (endsAsFolder && !segments.isEmpty ? "/" : "")
        self.query = query
    }

    /// The common case in one pass, without copying: an origin-form target whose path holds only `pchar` bytes
    /// other than `%` and `;`, no empty, `.` or `..` segment, and whose query holds no control byte or `#`, is its
    /// own canonical form.
    private static func alreadyCanonical(_ target: String) -> CanonicalTarget? {
        var bytes = target.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return nil }
        var segmentLength = 0
        var dotsOnly = true
        var pathLength = 1
        while let byte = bytes.next() {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") {
                if segmentLength == 0 && byte == UInt8(ascii: "/") { return nil }
                if segmentLength > 0 && dotsOnly && segmentLength <= 2 { return nil }
                if byte == UInt8(ascii: "?") {
                    while let queryByte = bytes.next() {
                        if queryByte < 0x21 || queryByte == 0x7F || queryByte == UInt8(ascii: "#") { return nil }
                    }
                    let path = String(target.utf8.prefix(pathLength))!
                    return CanonicalTarget(path: path, encodedPath: path, query: String(target.utf8.dropFirst(pathLength + 1))!, received: target)
                }
                segmentLength = 0
                dotsOnly = true
            } else if isPlainPathByte(byte) {
                segmentLength += 1
                dotsOnly = dotsOnly && byte == UInt8(ascii: ".")
            } else {
                return nil
            }
            pathLength += 1
        }
        if segmentLength > 0 && dotsOnly && segmentLength <= 2 { return nil }
        return CanonicalTarget(path: target, encodedPath: target, query: nil, received: target)
    }

    private init(path: String, encodedPath: String, query: String?, received: String) {
        self.path = path
        self.encodedPath = encodedPath
        self.query = query
        self.received = received
    }

    /// A byte that `encode` keeps as it is: RFC 3986 `pchar` less `%` and `;`.
    private static func isPlainPathByte(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || plainPathSymbols.contains(byte)
    }

    private static let plainPathSymbols: Set<UInt8> = Set("-._~!$&'()*+,=:@".utf8)

    /// `rest` after `http://` or `https://` (any case), or nil.
    private static func droppingHTTPScheme(_ target: Substring) -> Substring? {
        for scheme in ["http://", "https://"] where target.count >= scheme.count {
            let prefix = target.prefix(scheme.count)
            if prefix.lowercased() == scheme { return target.dropFirst(scheme.count) }
        }
        return nil
    }

    /// One segment percent-decoded, with the bytes that could be read as another path refused.
    private static func decode(_ raw: Substring.UTF8View.SubSequence) throws(Refusal) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index != raw.endIndex {
            var byte = raw[index]
            index = raw.index(after: index)
            if byte == UInt8(ascii: "%") {
                guard index != raw.endIndex, let high = raw[index].hexDigitValue else { throw .malformedEscape }
                index = raw.index(after: index)
                guard index != raw.endIndex, let low = raw[index].hexDigitValue else { throw .malformedEscape }
                index = raw.index(after: index)
                byte = high << 4 | low
                if byte == UInt8(ascii: "/") { throw .encodedSlash }
            }
            switch byte {
            case UInt8(ascii: "\\"): throw .backslash
            case UInt8(ascii: ";"): throw .pathParameter
            case 0..<0x20, 0x7F: throw .controlByte
            default: bytes.append(byte)
            }
        }
        for index in bytes.indices.dropLast(2) where bytes[index] == UInt8(ascii: "%") {
            if bytes[index + 1].hexDigitValue != nil, bytes[index + 2].hexDigitValue != nil { throw .doubleEncoded }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    /// RFC 3986 §3.3 `pchar` less `;` (refused above): unreserved, the other sub-delims, `:` and `@` stay as they are.
    private static func encode(_ segment: String) -> String {
        var output = ""
        for byte in segment.utf8 {
            if isPlainPathByte(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return output
    }
}
