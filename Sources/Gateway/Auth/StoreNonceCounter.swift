import Foundation
import HTTPAuth
import Store

/// Digest nonce counts kept in a shared store, so that a request replayed to another gateway behind the same load
/// balancer is refused there too. A store that cannot answer refuses the count (fails closed): the client is asked
/// to authenticate again rather than a replay being let through.
struct StoreNonceCounter: DigestNonceCounter {
    let store: any GatewayStore

    func record(nonce: String, count: UInt32) async -> Bool {
        (try? await store.recordNonceCount(nonce: nonce, count: Int(count), at: Date())) ?? false
    }
}
