import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of an IIS or ASP.NET configuration file (`web.config`, `applicationHost.config`), with its attributes
/// and children and where its start tag begins.
struct ConfigElement: Sendable {
    var name: String
    var attributes: [String: String]
    var location: SourceLocation
    var children: [ConfigElement] = []

    /// An attribute by name, ignoring case as IIS does.
    subscript(_ attribute: String) -> String? {
        attributes.first { $0.key.caseInsensitiveCompare(attribute) == .orderedSame }?.value
    }

    /// A boolean attribute (`true`/`false`), nil when absent or not a boolean.
    func flag(_ attribute: String) -> Bool? {
        switch self[attribute]?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    func children(_ name: String) -> [ConfigElement] { children.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame } }
    func child(_ name: String) -> ConfigElement? { children(name).first }

    /// The element at `path` below this one (`system.webServer/security/authentication`).
    func descendant(_ path: String) -> ConfigElement? {
        path.split(separator: "/").reduce(Optional(self)) { element, name in element?.child(String(name)) }
    }

    /// Reads a file with Foundation's XML parser; a file that is not well-formed XML is an error naming its line.
    static func read(path: String) throws -> ConfigElement {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigReadError(location: SourceLocation(file: path, line: 0), message: "cannot read \(path)")
        }
        guard data.count <= 8 << 20 else {
            throw ConfigReadError(location: SourceLocation(file: path, line: 0), message: "\(path) is larger than 8 MiB: not a configuration file")
        }
        let builder = TreeBuilder(path: path, text: String(decoding: data, as: UTF8.self))
        let parser = XMLParser(data: data)
        parser.delegate = builder
        parser.shouldResolveExternalEntities = false
        // libxml2 may report a mismatched end tag and still return true: the error decides.
        guard parser.parse(), parser.parserError == nil, builder.errorLine == nil, let root = builder.root else {
            let line = builder.errorLine ?? parser.lineNumber
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "not well-formed"
            throw ConfigReadError(location: SourceLocation(file: path, line: line), message: "\(path) line \(line): not well-formed XML (\(reason))")
        }
        return root
    }

    /// Builds the tree as the parser reports elements; the parser gives the line where a start tag ends, so each
    /// element's line is found by going back to its `<name`.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        let path: String
        let lines: [Substring]
        var stack: [ConfigElement] = []
        var root: ConfigElement?
        /// Where the parser first found the file not well-formed.
        var errorLine: Int?

        init(path: String, text: String) {
            self.path = path
            lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(ConfigElement(name: name, attributes: attributes, location: SourceLocation(file: path, line: startLine(of: name, endingAt: parser.lineNumber))))
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if errorLine == nil { errorLine = parser.lineNumber }
        }

        private func startLine(of name: String, endingAt line: Int) -> Int {
            var candidate = min(max(line, 1), lines.count)
            while candidate > 1, !lines[candidate - 1].contains("<" + name) { candidate -= 1 }
            return lines.indices.contains(candidate - 1) && lines[candidate - 1].contains("<" + name) ? candidate : line
        }
    }
}
