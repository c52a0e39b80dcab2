import Testing
@testable import HTTPAuth
