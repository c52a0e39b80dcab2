import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Collects audit records without blocking a request and writes them in batches: to the store every 100 ms (one
/// transaction per batch) and, when configured, as JSON lines to the access log. On shutdown it writes what is left,
/// so no decision is lost.
public final class AuditWriter: Service, Sendable {
    private let pending = Mutex<[AuditRecord]>([])
    private let store: any GatewayStore
    private let accessLog: FileHandle?
    private let logger: Logger

    /// `accessLog` is `-` for standard output, a path (appended to), or nil.
    public init(store: any GatewayStore, accessLog: String?, logger: Logger) throws {
        self.store = store
        self.logger = logger
        switch accessLog {
        case nil: self.accessLog = nil
        case "-": self.accessLog = .standardOutput
        case let path?:
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw StoreError("access_log: cannot write \(path)") }
            handle.seekToEndOfFile()
            self.accessLog = handle
        }
    }

    public func record(_ record: AuditRecord) {
        pending.withLock { $0.append(record) }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            await flush()
        }
        await flush()
    }

    /// Writes everything queued so far.
    public func flush() async {
        let batch = pending.withLock { records -> [AuditRecord] in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.append(batch)
        } catch {
            logger.error("audit: cannot write \(batch.count) records to the store: \(error)")
        }
        if let accessLog {
            let lines = batch.map(Self.jsonLine).joined()
            accessLog.write(Data(lines.utf8))
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func jsonLine(_ record: AuditRecord) -> String {
        guard let data = try? encoder.encode(record) else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
