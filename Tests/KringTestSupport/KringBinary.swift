import Foundation

/// Where the real `kring` executable is: `KRING_BINARY`, else the one built beside the test bundle.
public enum KringBinary {
    public static var url: URL {
        if let path = ProcessInfo.processInfo.environment["KRING_BINARY"] { return URL(fileURLWithPath: path) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("kring").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("kring")
    }
}
