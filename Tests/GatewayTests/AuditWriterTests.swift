import Foundation
import GRDB
import Logging
import Store
import Testing

@testable import Gateway

/// The audit writer keeps the records a store refuses and writes them once it accepts again.
@Suite struct AuditWriterTests {
    @Test func recordsTheStoreRefusedAreWrittenLater() async throws {
        let path = NSTemporaryDirectory() + "gatehouse-audit-\(UUID().uuidString).sqlite"
        let store = try SQLiteStore(path: path)
        let writer = try AuditWriter(store: store, accessLog: nil, logger: Logger(label: "test"))
        let other = try DatabaseQueue(path: path)   // another process's hands on the file
        func record(_ id: String) -> AuditRecord {
            AuditRecord(
                time: Date(), requestID: id, client: "192.0.2.1", method: "GET", path: "/", route: "/", scheme: nil, user: nil,
                outcome: "unauthorized", status: 401, reason: "no-credentials", detail: nil, latencyMicroseconds: 1)
        }
        try await other.write { try $0.execute(sql: "ALTER TABLE audit RENAME TO audit_away") }
        writer.record(record("while-away"))
        await writer.flush()   // the store refuses: no such table
        try await other.write { try $0.execute(sql: "ALTER TABLE audit_away RENAME TO audit") }
        writer.record(record("after"))
        await writer.flush()
        #expect(try await store.auditRecord(requestID: "while-away") != nil, "kept and written with the next batch")
        #expect(try await store.auditRecord(requestID: "after") != nil)
    }
}
