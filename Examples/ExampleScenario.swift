import Foundation

/// The example scenario shipped with Kring, which `kring demo` imports into a fresh database.
public enum ExampleScenario {
    public static let fileName = "flanders-groups.yaml"

    /// The scenario's bytes, read from the bundled copy of `Examples/flanders-groups.yaml`.
    public static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "flanders-groups", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
