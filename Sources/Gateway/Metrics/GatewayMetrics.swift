import Prometheus
import Synchronization

/// Prometheus metrics of the gateway: `gatehouse_decisions_total` by outcome, reason, scheme and route, and the
/// `gatehouse_request_duration_seconds` histogram, rendered in the text format at the configured path.
public struct GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let duration: DurationHistogram
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
