import Testing
import HummingbirdTesting
@testable import CSMServer
