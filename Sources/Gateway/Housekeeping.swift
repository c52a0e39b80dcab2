import Foundation
import Logging
import ServiceLifecycle
import Store

/// Keeps the store from growing without bound: once a minute (and at start) it deletes sessions past the longest
/// idle or absolute limit of the `session` routes, expired refresh tokens, ended bans, the Digest nonce counts of
/// stale nonces, and audit records older than `audit_retention`. Each instance runs it; the deletes are idempotent, so
/// instances sharing a store do not clash. Whether the store answered goes to `gatehouse_store_up`, so an idle gateway
/// still says within a minute that its store is gone.
struct Housekeeping: Service {
    let state: GatewayState
    var interval: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep(now: Date())
                try? await Task.sleep(for: interval)
            }
        }
    }

    func sweep(now: Date) async {
        let config = state.current.config
        let sessions = config.routes.filter { $0.schemes.contains(.session) }.map(\.session)
        do {
            if let idle = sessions.map(\.idle).max(), let absolute = sessions.map(\.absolute).max() {
                _ = try await state.store.pruneSessions(lastSeenBefore: now.addingTimeInterval(-idle), createdBefore: now.addingTimeInterval(-absolute))
            }
            let auditBefore = config.auditRetention > 0 ? now.addingTimeInterval(-config.auditRetention) : nil
            // A nonce older than its route's lifetime is stale whatever its count, so its counts can go.
            let nonceLifetime = config.routes.map(\.digestNonceLifetime).max() ?? 300
            _ = try await state.store.pruneExpired(at: now, nonceCountsBefore: now.addingTimeInterval(-nonceLifetime - 60), auditBefore: auditBefore)
            state.metrics.storeAnswered(true)
        } catch {
            state.metrics.storeAnswered(false)
            state.logger.error("housekeeping: \(error)")
        }
    }
}
