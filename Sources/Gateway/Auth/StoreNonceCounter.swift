import Foundation
import HTTPAuth
import Store

/// Digest nonce counts kept in a shared store, so that a request replayed to another gateway behind the same load
/// balancer is refused there too. A store that cannot answer throws, and the request is refused with 503 (fails
/// closed, and says why, rather than calling it a replay).
struct StoreNonceCounter: DigestNonceCounter {
    let store: any GatewayStore

    func record(nonce: String, count: UInt32) async throws -> Bool {
        try await store.recordNonceCount(nonce: nonce, count: Int(count), at: Date())
    }
}
