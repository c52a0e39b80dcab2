import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOHTTP2
import NIOTLS

/// TLS with HTTP/2 and HTTP/1.1 by ALPN, with nginx's limit of concurrent streams per connection
/// (`http2_max_concurrent_streams 128`). Hummingbird 2.28 builds its `NIOHTTP2Handler` with swift-nio-http2's
/// defaults (100) and no way to pass others, so once `h2` is negotiated the gateway sends a second SETTINGS frame
/// (RFC 9113 §6.5: a peer may change its settings at any time), which swift-nio-http2 applies when the client
/// acknowledges it. The header list stays at the default 16 KiB, which is nginx's `http2_max_header_size`.
struct HTTP2StreamLimit: ServerChildChannel {
    typealias Value = HTTP2UpgradeChannel.Value

    let base: HTTP2UpgradeChannel
    static let maxConcurrentStreams = 128

    /// The ALPN handler Hummingbird's setup leaves in the pipeline until the TLS handshake chooses the protocol.
    private typealias Negotiation = NIOTypedApplicationProtocolNegotiationHandler<NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Channel.Value>>

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let negotiation = try channel.pipeline.syncOperations.handler(type: Negotiation.self)
            negotiation.protocolNegotiationResult.whenSuccess { negotiated in
                guard case .http2(let connection) = negotiated else { return }
                let limit = HTTP2Setting(parameter: .maxConcurrentStreams, value: Self.maxConcurrentStreams)
                let settings = HTTP2Frame.FramePayload.settings(.settings([limit]))
                connection.channel.writeAndFlush(HTTP2Frame(streamID: .rootStream, payload: settings), promise: nil)
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
