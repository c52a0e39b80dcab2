import HummingbirdCore
import Logging
import NIOCore

/// A listener's child channel with ``ConnectionAdmission`` in front of what serves it (HTTP/1.1, TLS with HTTP/1.1,
/// or TLS with HTTP/2 and HTTP/1.1 by ALPN), so the cap per address and the handshake deadline hold for all three.
struct AdmittedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let registry: ConnectionRegistry
    let settings: GatewayConfig.Connections

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionAdmission(registry: registry, settings: settings))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
