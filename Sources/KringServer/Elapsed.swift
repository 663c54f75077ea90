/// The time passed since it was made, read from any clock: the server's timers take it instead of reading the
/// system clock, so a test that moves its own clock decides when a window ends (`ServerConfiguration.clock`).
struct Elapsed: Sendable {
    private let read: @Sendable () -> Duration

    init<C: Clock<Duration>>(on clock: C) {
        let start = clock.now
        read = { start.duration(to: clock.now) }
    }

    /// The time since this was made.
    var now: Duration { read() }
}
