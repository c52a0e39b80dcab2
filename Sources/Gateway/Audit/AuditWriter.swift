import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Collects audit records without blocking a request and writes them in batches: to the store every 100 ms (one
/// transaction per batch) and, when configured, as JSON lines to the access log. On shutdown it writes what is left,
/// so no decision is lost. Records the store refuses (a PostgreSQL server restarting) are kept and written with the
/// next batches, up to ``maximumUnsaved``; beyond that the oldest go, and the log says how many.
public final class AuditWriter: Service, Sendable {
    private let pending = Mutex<[AuditRecord]>([])
    /// Records the store refused, written again before the next batch.
    private let unsaved = Mutex<[AuditRecord]>([])
    static let maximumUnsaved = 100_000
    private let store: any GatewayStore
    private let accessLog: FileHandle?
    private let logger: Logger
    /// Hears whether the store took each batch.
    private let metrics: GatewayMetrics

    /// `accessLog` is `-` for standard output, a path (appended to), or nil.
    public init(store: any GatewayStore, accessLog: String?, logger: Logger, metrics: GatewayMetrics = GatewayMetrics()) throws {
        self.store = store
        self.logger = logger
        self.metrics = metrics
        switch accessLog {
        case nil: self.accessLog = nil
        case "-": self.accessLog = .standardOutput
        case let path?:
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
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
        if let accessLog, !batch.isEmpty {
            accessLog.write(Data(batch.map(Self.jsonLine).joined().utf8))
        }
        let toStore = unsaved.withLock { records in
            defer { records.removeAll() }
            return records
        } + batch
        guard !toStore.isEmpty else { return }
        do {
            try await store.append(toStore)
            metrics.storeAnswered(true)
        } catch {
            metrics.storeAnswered(false)
            let kept = toStore.suffix(Self.maximumUnsaved)
            unsaved.withLock { $0 = Array(kept) + $0 }
            let dropped = toStore.count - kept.count
            logger.error("audit: the store refused \(toStore.count) records (\(error)); kept to write again\(dropped > 0 ? ", \(dropped) oldest dropped" : "")")
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
