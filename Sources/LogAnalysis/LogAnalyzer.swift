import Foundation

/// Reads log files into one ``LogSummary``: each file's format detected from its first lines, plain files cut into
/// one range per core and read in parallel, gzip files inflated as a stream; memory stays bounded by the block
/// size and the bounded counters, whatever the input size. A file that cannot be read, or a corrupt stretch, is
/// reported and the rest is still analysed.
public struct LogAnalyzer: Sendable {
    public var cores: Int
    /// Forces one format instead of detecting it.
    public var format: LogFormat?
    /// Below this size a plain file is read by one task.
    public var parallelThreshold: Int
    /// A layout given as an Apache `LogFormat` or nginx `log_format` string: every file is read with it.
    public var custom: CustomLogFormat?
    /// Only lines at or after this minute since 1970 (UTC) count (`--since`); lines without a time are left out then.
    public var since: Int?

    public init(
        cores: Int = ProcessInfo.processInfo.activeProcessorCount, format: LogFormat? = nil, custom: CustomLogFormat? = nil,
        since: Int? = nil, parallelThreshold: Int = 8 << 20
    ) {
        self.cores = max(1, cores)
        self.format = custom == nil ? format : .custom
        self.custom = custom
        self.since = since
        self.parallelThreshold = parallelThreshold
    }

    /// Analyses every file; `progress` is called with bytes read so far (from several tasks).
    public func analyze(paths: [String], progress: (@Sendable (Int) -> Void)? = nil) async -> LogSummary {
        var total = LogSummary()
        for path in paths {
            var part = await analyze(path: path, progress: progress)
            total.absorb(&part)
        }
        return total
    }

    func analyze(path: String, progress: (@Sendable (Int) -> Void)?) async -> LogSummary {
        let compressed = GzipBlocks.isGzip(path: path)
        let sample: [String]
        do {
            sample = try Self.firstLines(path: path, compressed: compressed)
        } catch {
            var failed = LogSummary()
            failed.note(error, path: path, offset: 0)
            failed.files.append(FileReport(path: path, format: nil, bytes: 0, compressed: compressed))
            return failed
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard let format = format ?? LogFormat.detect(sample) else {
            var unknown = LogSummary()
            unknown.note(LogProblem(path: path, offset: 0, message: "no known log format (common, combined, JSON lines, Apache or nginx error log)"))
            unknown.files.append(FileReport(path: path, format: nil, bytes: size, compressed: compressed))
            return unknown
        }
        // The layout W3C lines start under: the file's first `#Fields:`, or IIS's default fields.
        let header = W3CFields.first(in: sample) ?? .iisDefault
        var summary: LogSummary
        if compressed {
            summary = Self.readGzip(path: path, sink: sink(path: path, format: format, fields: header), progress: progress)
        } else {
            summary = await readPlain(path: path, format: format, size: size, header: header, progress: progress)
        }
        summary.files.append(FileReport(path: path, format: format, bytes: size, compressed: compressed))
        return summary
    }

    /// A reader of one file's lines in `format`, with this analyzer's layout and time limit; W3C lines start under
    /// `fields`.
    private func sink(path: String, format: LogFormat, fields: W3CFields = .iisDefault) -> LineSink {
        LineSink(format: format, path: path, custom: custom, since: since, w3cFields: fields)
    }

    /// Reads the ranges in parallel. Every W3C range starts under the file's first `#Fields:` layout (`header`); a range
    /// that follows a change of layout is read again under the layout in force at its start, which only a file whose
    /// fields change part-way costs.
    private func readPlain(path: String, format: LogFormat, size: Int, header: W3CFields, progress: (@Sendable (Int) -> Void)?) async -> LogSummary {
        let parts = size < parallelThreshold ? 1 : cores
        let ranges = (0..<parts).map { part in (size * part / parts)..<(size * (part + 1) / parts) }
        var read = await withTaskGroup(of: (Int, RangeReading).self) { group in
            for (index, range) in ranges.enumerated() {
                group.addTask { [sink = sink(path: path, format: format, fields: header)] in
                    (index, Self.readRange(path: path, sink: sink, range: range, progress: progress))
                }
            }
            var parts = [RangeReading?](repeating: nil, count: ranges.count)
            for await (index, part) in group { parts[index] = part }
            return parts.compactMap { $0 }
        }
        var layout = header
        var merged = LogSummary()
        for index in read.indices {
            if index > 0, layout != header {
                read[index] = Self.readRange(path: path, sink: sink(path: path, format: format, fields: layout), range: ranges[index], progress: nil)
            }
            layout = read[index].lastFields ?? layout
            merged.absorb(&read[index].summary)
        }
        return merged
    }

    /// One range's summary, and the last W3C layout it read a directive for.
    struct RangeReading: Sendable {
        var summary: LogSummary
        var lastFields: W3CFields?
    }

    /// The lines that start inside `range`: a range after the first begins after the first newline at or past its
    /// start (the previous range finishes the line that crosses the boundary).
    static func readRange(path: String, sink: LineSink, range: Range<Int>, progress: (@Sendable (Int) -> Void)?) -> RangeReading {
        var sink = sink
        do {
            let file = try FileBlocks(path: path)
            defer { file.close() }
            let start = range.lowerBound == 0 ? 0 : range.lowerBound - 1
            var assembler = LineAssembler(startingAt: start, notingSpaces: sink.readsSpaces)
            var skipFirst = range.lowerBound > 0
            try file.read(from: start) { block, offset in
                let more = assembler.feed(block, line: { line, lineOffset, spaces in
                    if skipFirst {
                        skipFirst = false
                        return true
                    }
                    guard lineOffset < range.upperBound else { return false }
                    sink.consume(line, at: lineOffset, spaces: spaces)
                    return true
                }, overlong: { lineOffset in
                    if skipFirst {
                        skipFirst = false
                    } else if lineOffset < range.upperBound {
                        sink.summary.note(LogProblem(path: path, offset: lineOffset, message: "a line longer than 64 KiB, skipped"))
                    }
                })
                progress?(block.count)
                return more && offset + block.count < range.upperBound + LineAssembler.maximumLine
            }
            assembler.finish { line, lineOffset in
                if !skipFirst, lineOffset < range.upperBound { sink.consume(line, at: lineOffset) }
                return true
            }
        } catch {
            sink.summary.note(error, path: path, offset: range.lowerBound)
        }
        return RangeReading(summary: sink.finish(), lastFields: sink.readW3CDirective ? sink.w3cFields : nil)
    }

    static func readGzip(path: String, sink: LineSink, progress: (@Sendable (Int) -> Void)?) -> LogSummary {
        var sink = sink
        var assembler = LineAssembler(notingSpaces: sink.readsSpaces)
        do {
            try GzipBlocks.read(path: path) { block in
                _ = assembler.feed(block, line: { line, offset, spaces in
                    sink.consume(line, at: offset, spaces: spaces)
                    return true
                }, overlong: { offset in
                    sink.summary.note(LogProblem(path: path, offset: offset, message: "a line longer than 64 KiB (uncompressed offset), skipped"))
                })
                progress?(block.count)
            }
            // A stream that ends cleanly may still lack a final newline; a truncated one ends mid-line, which is dropped.
            assembler.finish { line, offset in
                sink.consume(line, at: offset)
                return true
            }
        } catch {
            sink.summary.note(error, path: path, offset: 0)
        }
        return sink.finish()
    }

    /// The first lines of a file (inflated if need be), for format detection.
    static func firstLines(path: String, compressed: Bool) throws -> [String] {
        var bytes: [UInt8] = []
        if compressed {
            struct Enough: Error {}
            do {
                try GzipBlocks.read(path: path) { block in
                    bytes += block.prefix(65536 - bytes.count)
                    if bytes.count >= 65536 { throw Enough() }
                }
            } catch is Enough {
            } catch let error as LogError {
                if bytes.isEmpty { throw error }
            }
        } else {
            let file = try FileBlocks(path: path)
            defer { file.close() }
            try file.read(from: 0) { block, _ in
                bytes += block.prefix(65536)
                return false
            }
        }
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        // Cut at 64 KiB, the last line may be partial; a file read whole keeps it (a one-line log, no final newline).
        if bytes.count >= 65536 { lines.removeLast() }
        return lines.prefix(60).map { String($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.filter { !$0.isEmpty }
    }
}
