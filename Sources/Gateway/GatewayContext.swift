import Hummingbird
import NIOCore

/// The request context of the gateway: Hummingbird's core storage plus the peer address, which the client address
/// (and so the IP policy and the lockout) starts from.
public struct GatewayContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
