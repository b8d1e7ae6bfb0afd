//! Time as ddci stores it: UTC timestamps for admin records, bare dates for responses.

/// Now, as RFC 3339 UTC text (admin records, runs, audit log).
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Today's date (UTC) as `YYYY-MM-DD`: the only time a response keeps.
pub fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}
