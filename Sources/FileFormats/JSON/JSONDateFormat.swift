/// How ``JSONWriter`` writes timestamp and date columns, as pandas' `to_json(date_format=)`.
public enum JSONDateFormat: String, Sendable {
    /// Integers: milliseconds since the epoch (rounded toward the past), for timestamps and dates
    /// alike, as pandas writes by default (`date_format="epoch"`, `date_unit="ms"`).
    case epoch
    /// Strings: timestamps as `2024-05-01T12:30:00.500` with milliseconds (`Z` appended when the
    /// column has a time zone, the instant being UTC), as pandas' `date_format="iso"` writes them;
    /// dates as `2024-05-01`.
    case iso
}
