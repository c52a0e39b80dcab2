import Logging
import OTel
import ServiceLifecycle

/// The OpenTelemetry backend of `tracing:` (swift-otel): spans batched and posted to the collector as OTLP/HTTP
/// protobuf, W3C trace context propagation, parent-based sampling. The standard `OTEL_*` environment variables
/// (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_SCHEDULE_DELAY`, …) apply on top, as in every OpenTelemetry SDK.
/// Its service runs beside the server and exports what is queued when the gateway stops.
enum TraceBackend {
    static func make(_ settings: GatewayConfig.TraceExport, logger: Logger) throws -> (RequestTracer, any Service) {
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.propagators = [.traceContext]
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = settings.tracesURL
        configuration.traces.sampler = .parentBasedTraceIDRatio(ratio: settings.sampleRatio) ?? .parentBasedAlwaysOn
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        return (RequestTracer(tracer: backend.factory), backend.service)
    }
}
