import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain file read in large blocks with `pread`, so that several ranges of one file are read at once by
/// different cores without sharing a file position.
struct FileBlocks: Sendable {
    let descriptor: Int32
    let size: Int
    static let blockSize = 4 << 20

    init(path: String) throws {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw LogError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(descriptor)
            throw LogError.unreadable(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    /// Calls `body` with consecutive blocks starting at `offset`, until the file ends or `body` returns false.
    func read(from offset: Int, _ body: (UnsafeRawBufferPointer, _ offset: Int) throws -> Bool) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        while position < size {
            let count = pread(descriptor, buffer.baseAddress, Self.blockSize, off_t(position))
            guard count > 0 else { break }
            guard try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), position) else { return }
            position += count
        }
    }
}
