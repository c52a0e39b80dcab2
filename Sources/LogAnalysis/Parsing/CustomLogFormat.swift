import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An access-log layout given as Apache's `LogFormat` string (`%h %l %u %t "%r" %>s %b`) or nginx's `log_format`
/// string (`$remote_addr - $remote_user [$time_local] "$request" $status …`), read as a sequence of literal text and
/// fields: each field runs to the next literal. The fields a report needs are recognised; the others are skipped.
public struct CustomLogFormat: Sendable, Hashable {
    enum Field: Sendable, Hashable {
        case client, user, commonTime, isoTime, request, status, path, method, userAgent, other
    }

    enum Piece: Sendable, Hashable {
        case literal([UInt8])
        case field(Field)
    }

    let pieces: [Piece]

    /// nil when the string names no status field, without which nothing can be counted.
    public init?(_ text: String) {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var characters = Array(text)[...]
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = []
        }
        while let character = characters.first {
            characters = characters.dropFirst()
            if character == "\\", let next = characters.first {
                literal += Array(String(next).utf8)
                characters = characters.dropFirst()
            } else if character == "%", let next = characters.first {
                flush()
                var directive = ""
                var argument = ""
                var rest = characters
                if next == "{" {
                    argument = String(rest.dropFirst().prefix { $0 != "}" })
                    rest = rest.dropFirst(argument.count + 2)
                }
                while let modifier = rest.first, "<>!,0123456789".contains(modifier) { rest = rest.dropFirst() }
                if let letter = rest.first {
                    directive = String(letter)
                    rest = rest.dropFirst()
                }
                characters = rest
                pieces.append(.field(Self.apache(directive, argument)))
            } else if character == "$", let next = characters.first, next == "{" || next.isLetter || next == "_" {
                flush()
                var name: String
                if next == "{" {
                    name = String(characters.dropFirst().prefix { $0 != "}" })
                    characters = characters.dropFirst(name.count + 2)
                } else {
                    name = String(characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    characters = characters.dropFirst(name.count)
                }
                pieces.append(.field(Self.nginx(name)))
            } else {
                literal += Array(String(character).utf8)
            }
        }
        flush()
        guard pieces.contains(.field(.status)) else { return nil }
        self.pieces = pieces
    }

    static func apache(_ directive: String, _ argument: String) -> Field {
        switch directive {
        case "h", "a": .client
        case "u": .user
        case "t": argument.isEmpty ? .commonTime : .other
        case "r": .request
        case "s": .status
        case "U": .path
        case "m": .method
        case "i": argument.lowercased() == "user-agent" ? .userAgent : .other
        default: .other
        }
    }

    static func nginx(_ name: String) -> Field {
        switch name {
        case "remote_addr", "binary_remote_addr", "realip_remote_addr": .client
        case "remote_user": .user
        case "time_local": .commonTime
        case "time_iso8601": .isoTime
        case "request": .request
        case "status": .status
        case "uri", "request_uri", "document_uri": .path
        case "request_method": .method
        case "http_user_agent": .userAgent
        default: .other
        }
    }

    /// The fields of one line, or nil when it does not follow the layout.
    func parse(_ line: UnsafeRawBufferPointer, clock: inout MinuteClock) -> AccessFields? {
        guard let base = line.baseAddress else { return nil }
        var position = 0
        var fields = AccessFields()
        var statusSeen = false
        for (index, piece) in pieces.enumerated() {
            switch piece {
            case .literal(let bytes):
                guard position + bytes.count <= line.count, bytes.withUnsafeBytes({ memcmp(base + position, $0.baseAddress!, bytes.count) == 0 }) else { return nil }
                position += bytes.count
            case .field(let field):
                var end = line.count
                if index + 1 < pieces.count, case .literal(let next) = pieces[index + 1] {
                    guard let found = Self.find(next, in: line, from: position) else { return nil }
                    end = found
                }
                let range = position..<end
                position = end
                switch field {
                case .client: fields.client = range
                case .user: if !(range.count == 1 && line[range.lowerBound] == 0x2D) && !range.isEmpty { fields.user = range }
                case .commonTime:
                    var time = range
                    if line[time.lowerBound] == 0x5B, line[time.upperBound - 1] == 0x5D { time = (time.lowerBound + 1)..<(time.upperBound - 1) }
                    fields.minute = clock.commonLogTime(UnsafeRawBufferPointer(rebasing: line[time]))
                case .isoTime: fields.minute = MinuteClock.iso8601(line.text(range))
                case .request: if fields.path == nil { fields.path = CombinedLine.path(in: line, request: range) }
                case .status:
                    guard range.count == 3, let status = Int(line.text(range)) else { return nil }
                    fields.status = status
                    statusSeen = true
                case .path: fields.path = range.lowerBound..<(range.first { line[$0] == 0x3F } ?? range.upperBound)
                case .userAgent: fields.userAgent = range
                case .method, .other: break
                }
            }
        }
        return statusSeen ? fields : nil
    }

    static func find(_ needle: [UInt8], in line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = line.baseAddress, let first = needle.first else { return nil }
        var index = start
        while index + needle.count <= line.count {
            guard let found = memchr(base + index, Int32(first), line.count - index) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(found))
            if at + needle.count <= line.count, needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return at }
            index = at + 1
        }
        return nil
    }
}

/// The fields of an access-log line that a report uses, as byte ranges into the line: made strings only for the lines
/// a report keeps.
struct AccessFields: Equatable {
    var status = 0
    var minute: Int?
    var client: Range<Int> = 0..<0
    var user: Range<Int>?
    /// The path without its query: a field of its own (W3C's `cs-uri-stem`, `%U`) or taken from the request line.
    var path: Range<Int>?
    var userAgent: Range<Int>?
    /// IIS's `sc-substatus` and `sc-win32-status` (W3C logs only).
    var subStatus: Int?
    var win32Status: Int?

    /// 401, 403 and 407: the refusals a report lists by client, user, path and user agent.
    @inline(__always) static func isRefusal(_ status: Int) -> Bool { status == 401 || status == 403 || status == 407 }
}
