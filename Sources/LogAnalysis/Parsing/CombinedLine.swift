import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A line of the common or combined log format (`%h %l %u %t "%r" %>s %b ["%{Referer}i" "%{User-agent}i"]`), the
/// default of Apache and nginx, read by byte offsets into the line: nothing is copied until a report needs a field.
/// The status is read from its field, after the request's closing quote, never by searching for "401".
struct CombinedLine {
    var status = 0
    var minute: Int?
    var client: Range<Int> = 0..<0
    /// nil when the log has `-` (no credential was sent).
    var user: Range<Int>?
    var request: Range<Int> = 0..<0
    /// Where the fields after the status start.
    var rest = 0

    /// nil when the line is not in this format.
    static func parse(_ line: UnsafeRawBufferPointer, clock: inout MinuteClock) -> CombinedLine? {
        let count = line.count
        guard let base = line.baseAddress, count > 20 else { return nil }
        func find(_ byte: UInt8, from start: Int) -> Int? {
            guard start < count, let found = memchr(base + start, Int32(byte), count - start) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
        var parsed = CombinedLine()
        guard var space = find(0x20, from: 0), space > 0 else { return nil }
        parsed.client = 0..<space
        // Apache's `vhost_combined` puts `%v:%p` first: one colon and a port, which no client address has (IPv4 has no
        // colon, IPv6 several); the client follows.
        if isVirtualHost(UnsafeRawBufferPointer(rebasing: line[0..<space])), let next = find(0x20, from: space + 1), next > space + 1 {
            parsed.client = (space + 1)..<next
            space = next
        }
        // `%l %u` up to ` [`: the user is what follows the ident; user names may themselves contain spaces.
        guard let bracket = find(0x5B, from: space + 1), line[bracket - 1] == 0x20 else { return nil }
        // `identEnd + 1 < bracket`: a line that lacks the user field (`host - [`) has no room for one and is not read.
        guard let identEnd = find(0x20, from: space + 1), identEnd + 1 < bracket else { return nil }
        let user = (identEnd + 1)..<(bracket - 1)
        if !(user.count == 1 && line[user.lowerBound] == 0x2D) && !user.isEmpty { parsed.user = user }
        guard let close = find(0x5D, from: bracket + 1) else { return nil }
        parsed.minute = clock.commonLogTime(UnsafeRawBufferPointer(rebasing: line[(bracket + 1)..<close]))
        guard close + 2 < count, line[close + 1] == 0x20, line[close + 2] == 0x22 else { return nil }
        // The request ends at the quote followed by ` ddd` (a quote inside it is escaped as \" by Apache and nginx).
        var search = close + 3
        while let quote = find(0x22, from: search) {
            if quote + 4 < count, line[quote + 1] == 0x20, isDigit(line[quote + 2]), isDigit(line[quote + 3]), isDigit(line[quote + 4]),
                quote + 5 == count || line[quote + 5] == 0x20
            {
                parsed.request = (close + 3)..<quote
                parsed.status = Int(line[quote + 2] &- 0x30) * 100 + Int(line[quote + 3] &- 0x30) * 10 + Int(line[quote + 4] &- 0x30)
                parsed.rest = min(quote + 6, count)
                return parsed
            }
            search = quote + 1
        }
        return nil
    }

    /// `name:port`, as `%v:%p` writes it: exactly one colon, digits after it, something before it.
    private static func isVirtualHost(_ field: UnsafeRawBufferPointer) -> Bool {
        guard let colon = field.firstIndex(of: 0x3A), colon > 0, colon + 1 < field.count else { return false }
        return field[(colon + 1)...].allSatisfy(isDigit)
    }

    /// The request's path without its query (`GET /a?b HTTP/1.1` gives `/a`).
    func path(in line: UnsafeRawBufferPointer) -> Range<Int>? { Self.path(in: line, request: request) }

    /// The path without its query of the request line at `request`: from the first space to the next space or `?`.
    static func path(in line: UnsafeRawBufferPointer, request: Range<Int>) -> Range<Int>? {
        guard let space = request.first(where: { line[$0] == 0x20 }) else { return nil }
        let start = space + 1
        var end = start
        while end < request.upperBound, line[end] != 0x20, line[end] != 0x3F { end += 1 }
        return end > start ? start..<end : nil
    }

    /// The last quoted field of a combined line: the user agent.
    func userAgent(in line: UnsafeRawBufferPointer) -> Range<Int>? {
        guard line.count > rest + 1, line[line.count - 1] == 0x22 else { return nil }
        var index = line.count - 2
        while index > rest {
            if line[index] == 0x22, line[index - 1] != 0x5C { return (index + 1)..<(line.count - 1) }
            index -= 1
        }
        return nil
    }

    @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
}

extension UnsafeRawBufferPointer {
    /// The bytes of `range` as text; invalid UTF-8 becomes U+FFFD.
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}
