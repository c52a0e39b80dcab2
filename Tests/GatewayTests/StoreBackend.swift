import Foundation
import Store
import Testing

/// The stores the store tests run against. PostgreSQL is the server `scripts/test` starts (its URL in
/// `GATEHOUSE_TEST_POSTGRES`); each test gets a database of its own there, as it gets a file of its own for SQLite.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    func freshLocation() throws -> StoreLocation {
        switch self {
        case .sqlite:
            return .sqlite(path: NSTemporaryDirectory() + "gatehouse-store-\(UUID().uuidString).sqlite")
        case .postgres:
            guard let server = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_POSTGRES"] else {
                throw StoreError("GATEHOUSE_TEST_POSTGRES is not set: run the tests with scripts/test, which starts PostgreSQL (scripts/test-postgres)")
            }
            let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            psql.arguments = ["-q", server, "-c", "CREATE DATABASE \(name)"]
            try psql.run()
            psql.waitUntilExit()
            guard psql.terminationStatus == 0 else { throw StoreError("psql could not create the database \(name) on \(server)") }
            var components = URLComponents(string: server)!
            components.path = "/" + name
            return .postgres(url: components.string!)
        }
    }
}
