import NIOCore

/// A handler whose work lasts as long as its connection: ``start(_:)`` once the channel is active (at once when the
/// handler joins an active channel, as after ALPN), ``stop()`` when the channel closes or the handler leaves it.
/// ``ConnectionAdmission`` counts the connection and watches its handshake; ``ConnectionGuard`` watches its requests.
protocol ConnectionLifetime: ChannelInboundHandler {
    /// Called once the channel is active; may be called again (both paths can fire), so it must be idempotent.
    func start(_ context: ChannelHandlerContext)
    /// Called when the channel closes and again when the handler is removed, so it must be idempotent.
    func stop()
}

extension ConnectionLifetime {
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }
}
