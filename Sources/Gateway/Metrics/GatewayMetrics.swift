import Prometheus
import Synchronization

/// Prometheus metrics of the gateway: `gatehouse_decisions_total` by outcome, reason, scheme and route, the
/// `gatehouse_request_duration_seconds` histogram, `gatehouse_bans_total` by kind (address or user) counting the bans
/// started, and `gatehouse_store_up` (1 when the store answered its last use or probe, 0 when it failed), rendered in
/// the text format at the configured path. The alert rules shipped with the package
/// (packaging/prometheus/gatehouse-alerts.yml) read them.
public struct GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let duration: DurationHistogram
    private let storeUp: Gauge
    private let addressBans: Counter
    private let userBans: Counter
    /// The counter of each label set, so a request looks one up by a single hash instead of building its labels.
    private let counters = Counters()

    private final class Counters: Sendable {
        struct Key: Hashable {
            let outcome: String, reason: String, scheme: String, route: String
        }
        let byKey = Mutex<[Key: Counter]>([:])
    }

    public init() {
        duration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "gatehouse", metricName: "request_duration", unitName: "seconds",
                helpText: "Time from request to response head, upstream included"),
            buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)])
        storeUp = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "gatehouse", metricName: "store", unitName: "up", helpText: "1 when the store answered its last use or probe, 0 when it failed"))
        storeUp.set(to: 1.0)
        let bans = MetricNameDescriptor(namespace: "gatehouse", metricName: "bans", unitName: "total", helpText: "Bans started by the lockout")
        addressBans = registry.makeCounter(descriptor: bans, labels: [("kind", "address")])
        userBans = registry.makeCounter(descriptor: bans, labels: [("kind", "user")])
    }

    /// Whether the store answered (a probe, a failure count, an audit write).
    func storeAnswered(_ answered: Bool) {
        storeUp.set(to: answered ? 1.0 : 0.0)
    }

    /// A ban the lockout started on `key` (``LockoutGuard/addressKey(_:)`` or ``LockoutGuard/userKey(_:)``).
    func banStarted(key: String) {
        (key.hasPrefix(LockoutGuard.addressKey("")) ? addressBans : userBans).increment()
    }

    func record(_ decision: Decision, elapsed: Duration) {
        let key = Counters.Key(
            outcome: decision.outcome.rawValue, reason: decision.reason?.id ?? "", scheme: decision.scheme?.rawValue ?? "", route: decision.route?.path ?? "")
        let counter = counters.byKey.withLock { counters in
            if let counter = counters[key] { return counter }
            let labels = [("outcome", key.outcome), ("reason", key.reason), ("scheme", key.scheme), ("route", key.route)]
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "gatehouse", metricName: "decisions", unitName: "total", helpText: "Decisions of the gateway"),
                labels: labels)
            counters[key] = counter
            return counter
        }
        counter.increment()
        duration.recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }

    /// The Prometheus text exposition.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
