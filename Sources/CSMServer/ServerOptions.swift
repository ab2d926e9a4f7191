/// How the server presents itself: where it listens, its credentials and the workspace it serves.
public struct ServerOptions: Sendable {
    public var listen: ListenAddress
    public var credentials: ServerCredentials
    public var workspace: String

    public init(listen: ListenAddress, credentials: ServerCredentials, workspace: String) {
        self.listen = listen
        self.credentials = credentials
        self.workspace = workspace
    }
}
