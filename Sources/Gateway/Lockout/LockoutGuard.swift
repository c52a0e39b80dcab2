import Foundation
import Store
import Synchronization

/// Counts failures per client address and per user in the store and bans a key after `failures` within `window`,
/// for `ban` seconds (Authelia's regulation, answered like Traefik's rate limiter: 429 with `Retry-After`).
///
/// Active bans are held in memory for the hot path, loaded from the store at start (so a ban survives a restart)
/// and read again every second from a shared store (so a ban made by another instance is honoured within a second),
/// every five seconds from a store of one gateway (where only `gatehouse` commands change them from outside).
public final class LockoutGuard: Sendable {
    let settings: GatewayConfig.Lockout
    let store: any GatewayStore
    /// Counts the bans started, and hears whether the store answered.
    let metrics: GatewayMetrics
    private let bans = Mutex<[String: Ban]>([:])
    private let lastSync = Mutex<ContinuousClock.Instant>(.now)
    /// Keys with failures recorded by this instance, so a success writes to the store only when there is
    /// something to forget.
    private let failing = Mutex<Set<String>>([])

    public init(settings: GatewayConfig.Lockout, store: any GatewayStore, metrics: GatewayMetrics = GatewayMetrics()) async throws {
        self.settings = settings
        self.store = store
        self.metrics = metrics
        try await sync()
    }

    public static func addressKey(_ address: String) -> String { "ip:" + address }
    public static func userKey(_ user: String) -> String { "user:" + user }

    /// The ban in force on any of `keys`, with the longest time left.
    public func activeBan(on keys: [String], now: Date = Date()) async -> Ban? {
        await syncIfDue()
        return bans.withLock { bans in
            keys.compactMap { bans[$0] }.filter { $0.until > now }.max { $0.until < $1.until }
        }
    }

    /// Records a failure for each key and bans those that reached the limit; returns the new ban, if any.
    public func recordFailure(keys: [String], now: Date = Date()) async -> Ban? {
        guard settings.failures > 0 else { return nil }
        failing.withLock { $0.formUnion(keys) }
        let counts: [String: Int]
        do {
            counts = try await store.recordFailure(keys: keys, at: now, windowStart: now.addingTimeInterval(-settings.window))
            metrics.storeAnswered(true)
        } catch {
            // Refusing goes on without the store; the failure is not counted, and the metric says why.
            metrics.storeAnswered(false)
            return nil
        }
        var newest: Ban?
        for (key, count) in counts where count >= settings.failures {
            let ban = Ban(
                key: key, since: now, until: now.addingTimeInterval(settings.ban),
                reason: "\(count) failures within \(Int(settings.window))s")
            do {
                try await store.ban(ban)
            } catch {
                metrics.storeAnswered(false)
            }
            bans.withLock { $0[key] = ban }
            metrics.banStarted(key: key)
            newest = ban
        }
        return newest
    }

    /// Forgets a user's failures after they proved their password (an address keeps its count, so one valid
    /// account does not let an attacker reset it).
    public func recordSuccess(user: String) async {
        let key = Self.userKey(user)
        guard failing.withLock({ $0.remove(key) != nil }) else { return }
        try? await store.clearFailures(keys: [key])
    }

    /// The bans in force, soonest to end first.
    public func activeBans(now: Date = Date()) -> [Ban] {
        bans.withLock { Array($0.values) }.filter { $0.until > now }.sorted { $0.until < $1.until }
    }

    /// Lifts a ban (and forgets the key's failures); says whether there was one.
    public func unban(key: String) async -> Bool {
        let existed = (try? await store.unban(key: key)) ?? false
        bans.withLock { _ = $0.removeValue(forKey: key) }
        return existed
    }

    private func syncIfDue() async {
        let due = lastSync.withLock { last -> Bool in
            guard ContinuousClock.now - last >= (store.isShared ? .seconds(1) : .seconds(5)) else { return false }
            last = .now
            return true
        }
        if due {
            do {
                try await sync()
                metrics.storeAnswered(true)
            } catch {
                metrics.storeAnswered(false)
            }
        }
    }

    private func sync() async throws {
        let active = try await store.activeBans(at: Date())
        bans.withLock { bans in
            bans = Dictionary(active.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
