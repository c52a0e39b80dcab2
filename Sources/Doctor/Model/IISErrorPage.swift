import Foundation

/// An IIS error page, as IIS 5 to 10 write it: the sub-status its title names (`HTTP Error 401.2 - Unauthorized`,
/// `HTTP 401.1 - Unauthorized: Logon Failed`) and, on the detailed page IIS shows to local requests, the module,
/// logon method and user and error code. The generic page remote clients get ("401 - Unauthorized: Access is denied
/// due to invalid credentials.") names no sub-status.
/// (https://learn.microsoft.com/en-us/troubleshoot/developer/webapps/iis/www-administration-management/http-status-code)
struct IISErrorPage {
    var status: Int
    var subStatus: Int?
    /// The detailed page's fields (`Module`, `Logon Method`, `Logon User`, `Error Code`), as shown.
    var details: [(name: String, value: String)] = []

    /// nil when the exchange is not an IIS error page.
    init?(_ exchange: Exchange) {
        guard let status = exchange.status, status >= 400 else { return nil }
        let text = String(decoding: exchange.bodyPrefix, as: UTF8.self)
        let server = exchange.responseValues("Server").contains { $0.contains("Microsoft-IIS") }
        let patterns = [#"HTTP Error (\d{3})\.(\d{1,3})"#, #"HTTP (\d{3})\.(\d{1,3}) -"#, #"Error (\d{3})\.(\d{1,3}) -"#]
        for pattern in patterns {
            guard let match = text.range(of: pattern, options: .regularExpression) else { continue }
            let digits = text[match].split(whereSeparator: { !$0.isNumber })
            guard digits.count >= 2, Int(digits[digits.count - 2]) == status else { continue }
            self.status = status
            subStatus = Int(digits[digits.count - 1])
            details = Self.details(in: text)
            return
        }
        guard server || text.contains("Internet Information Services") || text.contains("Access is denied due to invalid credentials") else { return nil }
        guard text.contains("Access is denied due to invalid credentials") || text.contains("You do not have permission to view this directory") else { return nil }
        self.status = status
        details = Self.details(in: text)
    }

    /// `<tr><th>Module</th><td>&nbsp;&nbsp;&nbsp;IIS Web Core</td></tr>` rows of the detailed page.
    static func details(in text: String) -> [(name: String, value: String)] {
        var found: [(name: String, value: String)] = []
        for name in ["Module", "Notification", "Handler", "Error Code", "Logon Method", "Logon User", "Requested URL", "Physical Path"] {
            guard let row = text.range(of: "<th>\(name)</th>", options: .caseInsensitive),
                let cell = text[row.upperBound...].range(of: #"<td>(.*?)</td>"#, options: .regularExpression)
            else { continue }
            let value = String(text[cell]).replacingOccurrences(of: "<td>", with: "").replacingOccurrences(of: "</td>", with: "")
                .replacingOccurrences(of: "&nbsp;", with: " ").trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { found.append((name, value)) }
        }
        return found
    }
}
