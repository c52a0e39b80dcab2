import NIOCore
import NIOHTTPTypes

/// Drops the connections a slow client would hold forever, as nginx does: a request head must arrive within
/// `header_timeout` of the connection (or of the end of the previous response, which is then the keep-alive wait,
/// `keepalive_timeout`).
///
/// While a body is read, each part must follow the last within `body_timeout`; while the response is prepared (a
/// slow upstream) no deadline runs. It sits after the HTTP decoder, so it sees whole request heads: a client that
/// trickles a request line byte by byte is still closed when its head is not complete in time (slowloris). Over
/// HTTP/2 one guard watches each stream (closing a stream resets it) and the connection's idle timer the rest; the
/// cap per address is ``ConnectionAdmission``'s, before TLS.
final class ConnectionGuard: ChannelDuplexHandler, ConnectionLifetime, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let settings: GatewayConfig.Connections
    /// When the connection is closed unless something moves it; nil while a response is prepared.
    private var deadline: NIODeadline?
    /// One timer per connection, rescheduled only when it fires before the deadline: moving the deadline on every
    /// request part costs a clock read, not a timer. A deadline moved earlier than the timer (a body's 60 s after a
    /// keep-alive wait's 75 s) is enforced when the timer fires, so up to the difference of the two timeouts late.
    private var timer: Scheduled<Void>?
    private var started = false
    private var responsesOwed = 0
    private var readingBody = false

    init(settings: GatewayConfig.Connections) {
        self.settings = settings
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            responsesOwed += 1
            readingBody = true
            arm(context, after: settings.bodyTimeout)
        case .body:
            arm(context, after: settings.bodyTimeout)
        case .end:
            readingBody = false
            if responsesOwed == 0 { arm(context, after: settings.keepaliveTimeout) } else { cancelDeadline() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesOwed = max(0, responsesOwed - 1)
            if responsesOwed == 0 { arm(context, after: settings.keepaliveTimeout) }
        }
        context.write(data, promise: promise)
    }

    func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        arm(context, after: settings.headerTimeout)
    }

    private func arm(_ context: ChannelHandlerContext, after seconds: Double) {
        let due = NIODeadline.now() + .milliseconds(Int64(seconds * 1000))
        deadline = due
        if timer == nil { schedule(context, at: due) }
    }

    private func schedule(_ context: ChannelHandlerContext, at due: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            timer = nil
            guard let deadline else { return }
            if deadline <= .now() { context.close(promise: nil) } else { schedule(context, at: deadline) }
        }
    }

    private func cancelDeadline() {
        deadline = nil
    }

    func stop() {
        timer?.cancel()
        timer = nil
        cancelDeadline()
    }
}
