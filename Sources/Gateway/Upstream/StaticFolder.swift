import Hummingbird

/// Serves allowed requests from a folder through Hummingbird's `FileMiddleware` (ranges, ETags, `index.html`).
struct StaticFolder: Sendable {
    let files: FileMiddleware<GatewayContext, LocalFileSystem>

    init(path: String) {
        files = FileMiddleware(path, searchForIndexHtml: true)
    }

    func serve(_ request: Request, context: GatewayContext) async throws -> Response {
        try await files.handle(request, context: context) { _, _ in
            throw HTTPError(.notFound)
        }
    }
}
