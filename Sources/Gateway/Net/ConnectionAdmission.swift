import NIOCore
import NIOHTTP2
import Synchronization

/// The first handler of every accepted connection, before TLS: counts the connection against its peer address's cap
/// (`connections.per_address`, like nginx's `limit_conn`) for as long as it is open, and closes it when no protocol
/// has taken it over within `header_timeout`.
///
/// The HTTP/1.1 guard (``ConnectionGuard``) and HTTP/2's idle timer start only once ALPN has chosen the protocol, so
/// without this deadline a client that opens a connection and never finishes its TLS handshake would hold it forever.
final class ConnectionAdmission: ConnectionLifetime, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let registry: ConnectionRegistry
    private let handshakeTimeout: TimeAmount
    private var admitted: String?
    private var timer: Scheduled<Void>?

    init(registry: ConnectionRegistry, settings: GatewayConfig.Connections) {
        self.registry = registry
        handshakeTimeout = .milliseconds(Int64(settings.headerTimeout * 1000))
    }

    func start(_ context: ChannelHandlerContext) {
        guard admitted == nil else { return }
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard registry.admit(address) else {
            context.close(promise: nil)
            return
        }
        admitted = address
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) { [self] in
            timer = nil
            if !Self.protocolChosen(context.pipeline.syncOperations) { context.close(promise: nil) }
        }
    }

    /// Whether an HTTP/1.1 guard or an HTTP/2 handler now serves the connection (and owns its deadlines).
    private static func protocolChosen(_ pipeline: ChannelPipeline.SynchronousOperations) -> Bool {
        (try? pipeline.context(handlerType: ConnectionGuard.self)) != nil || (try? pipeline.context(handlerType: NIOHTTP2Handler.self)) != nil
    }

    func stop() {
        timer?.cancel()
        timer = nil
        if let admitted { registry.release(admitted) }
        admitted = nil
    }
}

/// The connections open per peer address, shared by every connection of the listener.
final class ConnectionRegistry: Sendable {
    private let open = Mutex<[String: Int]>([:])
    private let cap: Int
    private let exempt: [CIDR]

    /// `cap` connections per address (0: no cap); addresses in `exempt` (trusted proxies) are not capped.
    init(cap: Int, exempt: [CIDR]) {
        self.cap = cap
        self.exempt = exempt
    }

    /// Counts a new connection from `address`, or says no when the address already holds `cap`.
    func admit(_ address: String) -> Bool {
        if cap == 0 || IPAddress(address).map({ exempt.contains($0) }) == true { return true }
        return open.withLock { open in
            guard open[address, default: 0] < cap else { return false }
            open[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        if cap == 0 || IPAddress(address).map({ exempt.contains($0) }) == true { return }
        open.withLock { open in
            let left = open[address, default: 1] - 1
            open[address] = left > 0 ? left : nil
        }
    }
}
