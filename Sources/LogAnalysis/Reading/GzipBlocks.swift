import CZlib
import Foundation

/// A gzip file inflated block by block with the system zlib: members one after another (as `cat a.gz b.gz` and some
/// log rotators write them), and a truncated or corrupt stream reported with its compressed offset after every
/// whole line before it has been read. zlib is used directly because the end of each stream must be seen.
enum GzipBlocks {
    static func read(path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let file = try FileBlocks(path: path)
        defer { file.close() }
        var stream = z_stream()
        // 15 + 16: a gzip header only, the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LogError.corrupt(path: path, offset: 0, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: FileBlocks.blockSize, alignment: 16)
        defer { output.deallocate() }
        var ended = true
        var consumed = 0
        try file.read(from: 0) { input, offset in
            var input = input
            // Bytes after the end of a member: a next member starts, or trailing zeros that gzip itself ignores.
            while !input.isEmpty {
                if ended, input.allSatisfy({ $0 == 0 }) { return true }
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(input.count)
                ended = false
                var status: Int32 = Z_OK
                repeat {
                    stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(output.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    let produced = output.count - Int(stream.avail_out)
                    if produced > 0 { try body(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        let position = offset + input.count - Int(stream.avail_in)
                        let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                        throw LogError.corrupt(path: path, offset: position, reason: "gzip data is corrupt (\(message))")
                    }
                } while stream.avail_out == 0 && status != Z_STREAM_END
                let used = input.count - Int(stream.avail_in)
                consumed = offset + used
                input = UnsafeRawBufferPointer(rebasing: input[used...])
                if status == Z_STREAM_END {
                    ended = true
                    inflateReset(&stream)
                } else if stream.avail_in == 0 {
                    break
                }
            }
            return true
        }
        guard ended else {
            throw LogError.corrupt(path: path, offset: consumed, reason: "the gzip stream ends early (a truncated file); what came before was read")
        }
    }

    /// Whether the file starts with the gzip magic bytes.
    static func isGzip(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 2)) ?? nil
        return magic == Data([0x1F, 0x8B])
    }
}
