import AsyncHTTPClient
import Foundation
import Logging
import Store
import Testing

@testable import Gateway

/// The housekeeping sweep deletes sessions by the longest limits of the session routes, and old audit records by
/// `audit_retention`.
@Suite struct HousekeepingTests {
    @Test func sweepPrunesByTheLongestSessionLimitsAndTheRetention() async throws {
        let fixture = try GatewayFixture(routes: """
              - path: /short/
                schemes: [session]
                users: users.htpasswd
                session: { idle: 1m, absolute: 1h }
              - path: /long/
                schemes: [session]
                users: users.htpasswd
                session: { idle: 10m, absolute: 2h }
            """)
        var config = try fixture.config
        config.auditRetention = 86400
        let store = try config.store.open()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let state = try await GatewayState(config: config, store: store, httpClient: client, logger: Logger(label: "test"))
        let now = Date()
        try await store.insertSession(SessionRecord(id: "idle-5m", user: "alice", created: now.addingTimeInterval(-300), lastSeen: now.addingTimeInterval(-300), csrf: "c"))
        try await store.insertSession(SessionRecord(id: "idle-11m", user: "alice", created: now.addingTimeInterval(-660), lastSeen: now.addingTimeInterval(-660), csrf: "c"))
        try await store.insertSession(SessionRecord(id: "started-3h", user: "alice", created: now.addingTimeInterval(-10800), lastSeen: now, csrf: "c"))
        try await store.append([
            AuditRecord(time: now.addingTimeInterval(-90000), requestID: "old", client: "192.0.2.1", method: "GET", path: "/", route: nil, scheme: nil, user: nil, outcome: "unauthorized", status: 401, reason: nil, detail: nil, latencyMicroseconds: 1),
            AuditRecord(time: now, requestID: "new", client: "192.0.2.1", method: "GET", path: "/", route: nil, scheme: nil, user: nil, outcome: "unauthorized", status: 401, reason: nil, detail: nil, latencyMicroseconds: 1),
        ])
        await Housekeeping(state: state).sweep(now: now)
        #expect(try await store.session(id: "idle-5m") != nil, "idle 5 minutes is within /long/'s 10")
        #expect(try await store.session(id: "idle-11m") == nil)
        #expect(try await store.session(id: "started-3h") == nil)
        #expect(try await store.auditRecord(requestID: "old") == nil)
        #expect(try await store.auditRecord(requestID: "new") != nil)
        try await client.shutdown()
    }
}
