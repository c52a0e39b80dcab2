import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Serves allowed requests from a folder, with the whole request path looked up under it (as nginx's `root`).
///
/// Small files (up to 256 KiB) are kept in memory and answered on the event loop, the way nginx answers from the
/// page cache, with `ETag`/`If-None-Match`; a cached file is looked at again at most once a second, so an edit shows
/// within a second. Larger files, and requests with `Range`, go through Hummingbird's `FileMiddleware`, which
/// streams from a thread pool.
final class StaticFolder: Sendable {
    private struct CachedFile: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
        let modified: Date
        var checked: ContinuousClock.Instant
    }

    static let cacheLimit = 256 * 1024
    let root: String
    private let files: FileMiddleware<GatewayContext, LocalFileSystem>
    private let cache = Mutex<[String: CachedFile]>([:])

    init(path: String) {
        root = path
        files = FileMiddleware(path, searchForIndexHtml: true)
    }

    func serve(_ request: Request, context: GatewayContext) async throws -> Response {
        if request.headers[.range] == nil, let file = cachedFile(for: request.uri.path) {
            var headers = HTTPFields()
            headers[.eTag] = file.etag
            headers[.contentType] = file.contentType
            if request.headers[.ifNoneMatch] == file.etag { return Response(status: .notModified, headers: headers) }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: file.body))
        }
        do {
            return try await files.handle(request, context: context) { _, _ in throw HTTPError(.notFound) }
        } catch let error as HTTPError {
            // A missing file, a bad range: the folder's answer, as an upstream's 404 would be, not a gateway failure.
            return Response(status: error.status, headers: [.cacheControl: "no-store"])
        }
    }

    /// The file for a request path from memory, loading or refreshing it when due; nil when it is not a small
    /// regular file under the root (the caller then lets `FileMiddleware` answer, or refuse).
    private func cachedFile(for requestPath: String) -> CachedFile? {
        let now = ContinuousClock.now
        if let file = cache.withLock({ $0[requestPath] }), now - file.checked < .seconds(1) { return file }
        guard let path = resolve(requestPath),
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = (attributes[.size] as? NSNumber)?.intValue, size <= Self.cacheLimit,
            let modified = attributes[.modificationDate] as? Date
        else {
            cache.withLock { _ = $0.removeValue(forKey: requestPath) }
            return nil
        }
        if var file = cache.withLock({ $0[requestPath] }), file.modified == modified, file.body.readableBytes == size {
            file.checked = now
            cache.withLock { $0[requestPath] = file }
            return file
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let fileExtension = (path as NSString).pathExtension
        let contentType = MediaType.getMediaType(forExtension: fileExtension)?.description ?? "application/octet-stream"
        let etag = "\"\(String(Int(modified.timeIntervalSince1970 * 1000), radix: 16))-\(String(data.count, radix: 16))\""
        let file = CachedFile(body: ByteBuffer(bytes: data), contentType: contentType, etag: etag, modified: modified, checked: now)
        cache.withLock { cache in
            if cache.count >= 1024 { cache.removeAll(keepingCapacity: true) }
            cache[requestPath] = file
        }
        return file
    }

    /// The file a request path names: percent-decoded, no `..` segment or NUL, `index.html` for a folder.
    private func resolve(_ requestPath: String) -> String? {
        guard let decoded = requestPath.removingPercentEncoding, !decoded.contains("\0") else { return nil }
        let segments = decoded.split(separator: "/")
        guard !segments.contains("..") else { return nil }
        var path = root + "/" + segments.joined(separator: "/")
        if decoded.hasSuffix("/") || segments.isEmpty { path += (segments.isEmpty ? "" : "/") + "index.html" }
        return path
    }
}
