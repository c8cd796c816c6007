//! Timestamps as AWS exports write them, normalized to one UTC form.
//!
//! Exports mix `2017-06-10T02:35:07+00:00`, `2025-01-28T17:25:12Z`,
//! `2019-12-18 19:10:08+00:00` (Python `str()`) and `2019-12-18T19:10:08.000Z`,
//! sometimes in one file. Cedar's `datetime` accepts only a narrower grammar
//! (`T`, `Z` or `+hhmm`, at most 3 fractional digits), so every timestamp is
//! parsed here once and printed back in Cedar's form. Date arithmetic is the
//! proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`); no
//! time-zone database is needed because exports carry numeric offsets only.

use std::fmt;

/// An instant, in milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    millis: i64,
}

impl Timestamp {
    pub fn from_millis(millis: i64) -> Self {
        Timestamp { millis }
    }

    pub fn millis(self) -> i64 {
        self.millis
    }

    /// Parses an RFC 3339 timestamp, the Python `str()` form (space instead of
    /// `T`), offsets `Z`, `+hh:mm`, `+hhmm`, `+hh`, any number of fractional
    /// digits (truncated to milliseconds), or a bare date `YYYY-MM-DD`
    /// (midnight UTC). Returns a short reason on failure.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let s = text.trim();
        let b = s.as_bytes();
        let bad = || format!("`{text}` is not a timestamp (expected e.g. `2024-01-31T12:00:00Z`)");
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let year = digits(&b[0..4]).ok_or_else(bad)?;
        let month = digits(&b[5..7]).ok_or_else(bad)?;
        let day = digits(&b[8..10]).ok_or_else(bad)?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(format!("`{text}` is not a valid calendar date"));
        }
        let days = days_from_civil(year, month, day);
        if b.len() == 10 {
            return Ok(Timestamp::from_millis(days * 86_400_000));
        }
        if b.len() < 19
            || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(bad());
        }
        let hour = digits(&b[11..13]).ok_or_else(bad)?;
        let minute = digits(&b[14..16]).ok_or_else(bad)?;
        let second = digits(&b[17..19]).ok_or_else(bad)?;
        if hour > 23 || minute > 59 || second > 60 {
            return Err(format!("`{text}` has a time of day out of range"));
        }
        let mut rest = &b[19..];
        let mut millis = 0i64;
        if let Some((&b'.', frac)) = rest.split_first() {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(bad());
            }
            for (i, c) in frac[..n].iter().take(3).enumerate() {
                millis += i64::from(c - b'0') * [100, 10, 1][i];
            }
            rest = &frac[n..];
        }
        let offset_minutes = match rest {
            [] => {
                return Err(format!(
                    "`{text}` has no time zone (expected `Z` or an offset such as `+00:00`)"
                ))
            }
            [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), tail @ ..] => {
                let (h, m) = match tail {
                    [h1, h2] => (digits(&[*h1, *h2]), Some(0)),
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        (digits(&[*h1, *h2]), digits(&[*m1, *m2]))
                    }
                    _ => return Err(bad()),
                };
                let (h, m) = (h.ok_or_else(bad)?, m.ok_or_else(bad)?);
                if h > 23 || m > 59 {
                    return Err(bad());
                }
                let total = h * 60 + m;
                if *sign == b'-' {
                    -total
                } else {
                    total
                }
            }
            _ => return Err(bad()),
        };
        let second = second.min(59); // a leap second is read as :59
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
        let millis = secs * 1000 + millis;
        // Cedar's `datetime` takes four-digit years only, so an offset that
        // moves the instant out of 0000..=9999 in UTC is refused here, where
        // the caller still knows the file and the place.
        let first = days_from_civil(0, 1, 1) * 86_400_000;
        let last = days_from_civil(10_000, 1, 1) * 86_400_000 - 1;
        if !(first..=last).contains(&millis) {
            return Err(format!(
                "`{text}` is outside the years 0000 to 9999 once converted to UTC"
            ));
        }
        Ok(Timestamp::from_millis(millis))
    }

    /// The form Cedar's `datetime()` accepts: `YYYY-MM-DDThh:mm:ssZ`, with
    /// `.SSS` when there are milliseconds.
    pub fn to_cedar(self) -> String {
        self.to_string()
    }

    /// Whole days from `earlier` to `self` (floored), for messages.
    pub fn days_since(self, earlier: Timestamp) -> i64 {
        (self.millis - earlier.millis).div_euclid(86_400_000)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.millis.div_euclid(86_400_000);
        let ms_of_day = self.millis.rem_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        let ms = ms_of_day % 1000;
        if !(0..=9999).contains(&y) {
            // Outside what four digits hold; no export has such a year.
            return write!(
                f,
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                if ms == 0 {
                    String::new()
                } else {
                    format!(".{ms:03}")
                }
            );
        }
        // Fixed-width digits written into one buffer: some 40,000 timestamps
        // of a large account are printed for Cedar, and `write!` with padded
        // fields cost about as much as Cedar's own parsing of the result.
        let mut out = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut value: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, m);
        put(8, 2, d);
        put(11, 2, secs / 3600);
        put(14, 2, secs / 60 % 60);
        put(17, 2, secs % 60);
        let text = if ms == 0 {
            out[19] = b'Z';
            &out[..20]
        } else {
            put(20, 3, ms);
            &out[..]
        };
        // Only ASCII digits and separators were written.
        f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0')))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The padded-field formatting the fixed-width writer replaced.
    fn reference(t: Timestamp) -> String {
        let days = t.millis.div_euclid(86_400_000);
        let ms_of_day = t.millis.rem_euclid(86_400_000);
        let (y, m, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        let ms = ms_of_day % 1000;
        let fraction = if ms == 0 {
            String::new()
        } else {
            format!(".{ms:03}")
        };
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{fraction}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }

    #[test]
    fn display_writes_every_field_at_its_width() {
        // A walk over 10,000 years in uneven steps, plus the edges.
        let mut millis = -62_167_219_200_000; // 0000-01-01
        let mut cases = vec![0, 999, 1_000, 86_399_999, 253_402_300_799_999, -1];
        while millis < 253_402_300_800_000 {
            cases.push(millis);
            millis += 7_777_777_777_777 / 1_000 + 1;
        }
        for millis in cases {
            let t = Timestamp::from_millis(millis);
            assert_eq!(t.to_string(), reference(t), "{millis}");
        }
        assert_eq!(
            Timestamp::from_millis(1_600_000_000_123).to_string(),
            "2020-09-13T12:26:40.123Z"
        );
        assert_eq!(
            Timestamp::from_millis(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
    }

    fn norm(s: &str) -> String {
        Timestamp::parse(s)
            .map(|t| t.to_cedar())
            .unwrap_or_else(|e| e)
    }

    #[test]
    fn every_export_form_normalizes_to_one() {
        for s in [
            "2017-06-10T02:35:07+00:00",
            "2017-06-10T02:35:07Z",
            "2017-06-10 02:35:07+00:00",
            "2017-06-10T02:35:07.000Z",
            "2017-06-10T04:35:07+02:00",
            "2017-06-10T04:35:07+0200",
            "2017-06-09T21:35:07-05",
        ] {
            assert_eq!(norm(s), "2017-06-10T02:35:07Z", "{s}");
        }
    }

    #[test]
    fn fractions_truncate_to_millis() {
        assert_eq!(
            norm("2019-12-18T19:10:08.123456Z"),
            "2019-12-18T19:10:08.123Z"
        );
        assert_eq!(norm("2019-12-18T19:10:08.5Z"), "2019-12-18T19:10:08.500Z");
    }

    #[test]
    fn bare_date_is_midnight_utc() {
        assert_eq!(norm("2024-02-29"), "2024-02-29T00:00:00Z");
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for s in [
            "",
            "N/A",
            "2019-13-01T00:00:00Z",
            "2023-02-29",
            "2019-12-18T19:10:08",
            "2019-12-18T25:10:08Z",
            "2019-12-18T19:10:08+5:00",
            "2019-12-18T19:10:08.Z",
            "２０１９-01-01",
        ] {
            assert!(Timestamp::parse(s).is_err(), "{s} should be rejected");
        }
    }

    /// Found while fuzzing (a hand-made input, once `snapshot_pipeline`
    /// counted internal errors as crashes): these once parsed, printed as
    /// `-001-12-31T23:00:00Z` and `10000-01-01T00:00:00Z`, and Cedar's
    /// `datetime` refused them, which the tool reported as an internal error.
    #[test]
    fn rejects_offsets_that_leave_four_digit_years() {
        for s in ["0000-01-01T00:00:00+01:00", "9999-12-31T23:00:00-01:00"] {
            let e = Timestamp::parse(s).unwrap_err();
            assert!(e.contains("outside the years 0000 to 9999"), "{s}: {e}");
        }
        assert_eq!(norm("0000-01-01T01:00:00+01:00"), "0000-01-01T00:00:00Z");
        assert_eq!(
            norm("9999-12-31T22:59:59.999-01:00"),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(norm("9999-12-31T23:59:60Z"), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn days_round_trip_across_eras() {
        for days in [-800_000i64, -1, 0, 1, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(Timestamp::from_millis(0).to_cedar(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn days_since_floors() {
        let a = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
        let b = Timestamp::parse("2024-02-15T23:59:59Z").unwrap();
        assert_eq!(b.days_since(a), 45);
    }
}
