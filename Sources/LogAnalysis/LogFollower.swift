import Foundation

/// `gatehouse logs --follow`: reads what is appended to log files, as `tail -F` does (a file that shrinks was
/// rotated and is read again from its start), and says when the 401 rate jumps, as an error monitor would.
public struct LogFollower {
    private struct Followed {
        var path: String
        var offset: Int
        var assembler = LineAssembler()
        var format: LogFormat?
        /// The W3C layout in force at the offset: read from the file's head, then from the directives that follow.
        var w3cFields: W3CFields = .iisDefault
    }

    private var files: [Followed]
    private let custom: CustomLogFormat?
    /// 401 counts of the last polls, oldest first (one per poll).
    private var history: [Int] = []
    /// Polls that make the "now" window, and the baseline behind it.
    public static let window = 5
    public static let baseline = 60

    /// Starts at the current end of each file: only what is written from now on is read.
    public init(paths: [String], format: LogFormat?, custom: CustomLogFormat? = nil) {
        self.custom = custom
        files = paths.map { path in
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            var followed = Followed(path: path, offset: size, format: custom == nil ? format : .custom)
            // A W3C file names its fields only in its directive blocks, which an append may never repeat.
            if let head = try? LogAnalyzer.firstLines(path: path, compressed: false) {
                if followed.format == nil { followed.format = LogFormat.detect(head) }
                if followed.format == .w3c { followed.w3cFields = Self.lastFields(path: path, size: size) ?? W3CFields.first(in: head) ?? .iisDefault }
            }
            return followed
        }
    }

    /// What was appended since the last poll, as a summary.
    public mutating func poll() -> LogSummary {
        var total = LogSummary()
        for index in files.indices {
            var part = read(&files[index])
            total.absorb(&part)
        }
        history.append(total.statuses[401])
        if history.count > Self.window + Self.baseline { history.removeFirst(history.count - Self.window - Self.baseline) }
        return total
    }

    /// An alert when the 401s of the last ``window`` polls are at least 10 and three times the baseline's rate.
    public func alert() -> (recent: Int, usual: Double)? {
        guard history.count > Self.window else { return nil }
        let recent = history.suffix(Self.window).reduce(0, +)
        let before = history.dropLast(Self.window)
        let usual = Double(before.reduce(0, +)) / Double(before.count) * Double(Self.window)
        return recent >= 10 && Double(recent) >= 3 * max(usual, 1) ? (recent, usual) : nil
    }

    private func read(_ file: inout Followed) -> LogSummary {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        if size < file.offset {
            file.offset = 0
            file.assembler = LineAssembler()
        }
        guard size > file.offset, let handle = FileHandle(forReadingAtPath: file.path) else { return LogSummary() }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(file.offset))
        let data = (try? handle.read(upToCount: size - file.offset)) ?? Data()
        file.offset += data.count
        if file.format == nil {
            file.format = LogFormat.detect(String(decoding: data.prefix(65536), as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init))
        }
        guard let format = file.format else { return LogSummary() }
        var sink = LineSink(format: format, path: file.path, custom: custom, w3cFields: file.w3cFields)
        data.withUnsafeBytes { bytes in
            _ = file.assembler.feed(bytes, line: { line, offset, _ in
                sink.consume(line, at: offset)
                return true
            }, overlong: { _ in })
        }
        file.w3cFields = sink.w3cFields
        return sink.finish()
    }

    /// The last `#Fields:` directive in the file's final 1 MiB, where a restarted site wrote its new layout.
    private static func lastFields(path: String, size: Int) -> W3CFields? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(max(0, size - (1 << 20))))
        guard let tail = try? handle.read(upToCount: 1 << 20) else { return nil }
        // By newline, not by "\n": IIS writes CRLF, which a String holds as one character.
        return String(decoding: tail, as: UTF8.self).split(whereSeparator: \.isNewline).reversed()
            .first { $0.hasPrefix("#Fields:") }
            .flatMap { W3CFields(names: $0.dropFirst("#Fields:".count)) }
    }
}
