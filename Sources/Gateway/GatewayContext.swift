import Hummingbird
import NIOCore

/// The request context of the gateway: Hummingbird's core storage plus the peer address, which the client address
/// (and so the IP policy and the lockout) starts from, and whether the request came over HTTP/2.
public struct GatewayContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The request is a stream of an HTTP/2 connection: its channel's parent is the connection, whose parent is the
    /// listener (an HTTP/1.1 request's channel is the connection itself).
    public let overHTTP2: Bool

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
        overHTTP2 = source.channel.parent?.parent != nil
    }
}
