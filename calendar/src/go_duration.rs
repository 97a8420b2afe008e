//! Go's duration syntax (`time.ParseDuration`), which `@every` takes: a sign, then one or more
//! decimal numbers each with a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), such as
//! `1h30m`, `1.5h` or `-2s`; a bare `0` is zero.

/// Why a text is not a Go duration; [`Malformed::go_message`] words it as Go does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// Nothing after the sign.
    Empty,
    /// Something other than a number where a number must start.
    ExpectedNumber(String),
    /// A number with no unit after it.
    MissingUnit(String),
    /// A unit Go does not know.
    UnknownUnit(String),
    /// Beyond an int64 of nanoseconds (about 290 years).
    OutOfRange,
}

impl Malformed {
    /// Go's own words for this error about `text`, as `time.ParseDuration` returns them (the
    /// schedule spec passes them through to the client).
    pub(crate) fn go_message(&self, text: &str) -> String {
        match self {
            Malformed::Empty | Malformed::ExpectedNumber(_) | Malformed::OutOfRange => {
                format!("time: invalid duration {}", go_quote(text))
            }
            Malformed::MissingUnit(_) => {
                format!("time: missing unit in duration {}", go_quote(text))
            }
            Malformed::UnknownUnit(unit) => format!(
                "time: unknown unit {} in duration {}",
                go_quote(unit),
                go_quote(text)
            ),
        }
    }
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::Empty => write!(f, "empty duration"),
            Malformed::ExpectedNumber(rest) => write!(f, "expected a number at {rest:?}"),
            Malformed::MissingUnit(number) => write!(f, "missing unit after {number:?}"),
            Malformed::UnknownUnit(unit) => write!(f, "unknown unit {unit:?}"),
            Malformed::OutOfRange => write!(f, "duration out of range"),
        }
    }
}

/// Go's `time.quote`: ASCII from space up as is (with `"` and `\` escaped), every other byte as
/// `\xNN`.
fn go_quote(text: &str) -> String {
    let mut quoted = String::from("\"");
    for byte in text.bytes() {
        match byte {
            b'"' | b'\\' => {
                quoted.push('\\');
                quoted.push(char::from(byte));
            }
            b' '..=0x7f => quoted.push(char::from(byte)),
            _ => quoted.push_str(&format!("\\x{byte:02x}")),
        }
    }
    quoted.push('"');
    quoted
}

/// Nanoseconds, signed, or why the text is not a Go duration.
pub(crate) fn parse_nanos(text: &str) -> Result<i128, String> {
    parse(text).map_err(|malformed| malformed.to_string())
}

/// Nanoseconds, signed, or why the text is not a Go duration.
pub(crate) fn parse(text: &str) -> Result<i128, Malformed> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(Malformed::Empty);
    }
    let mut total_nanos: i128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(Malformed::ExpectedNumber(rest.to_string()));
        }
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let unit_nanos: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(Malformed::MissingUnit(number.to_string())),
            other => return Err(Malformed::UnknownUnit(other.to_string())),
        };
        total_nanos += scaled(number, unit_nanos)?;
        // Go refuses durations beyond about 290 years (the range of an int64 of nanoseconds).
        if total_nanos > i128::from(i64::MAX) {
            return Err(Malformed::OutOfRange);
        }
    }
    Ok(if negative { -total_nanos } else { total_nanos })
}

/// `number` (digits with an optional fraction) times `unit_nanos`, truncated to whole
/// nanoseconds as Go truncates.
fn scaled(number: &str, unit_nanos: i128) -> Result<i128, Malformed> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let mut nanos: i128 = 0;
    for digit in whole.bytes() {
        nanos = nanos
            .checked_mul(10)
            .and_then(|n| n.checked_add(i128::from(digit - b'0')))
            .filter(|n| *n <= i128::from(i64::MAX))
            .ok_or(Malformed::OutOfRange)?;
    }
    nanos *= unit_nanos;
    let mut scale = unit_nanos;
    for digit in fraction.bytes() {
        scale /= 10;
        if scale == 0 {
            break;
        }
        nanos += i128::from(digit - b'0') * scale;
    }
    Ok(nanos)
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_nanos};

    const SECOND: i128 = 1_000_000_000;

    #[test]
    fn go_durations_read_as_go_reads_them() {
        assert_eq!(parse_nanos("0"), Ok(0));
        assert_eq!(parse_nanos("90s"), Ok(90 * SECOND));
        assert_eq!(parse_nanos("1h30m"), Ok(5400 * SECOND));
        assert_eq!(parse_nanos("1.5h"), Ok(5400 * SECOND));
        assert_eq!(parse_nanos("-2s"), Ok(-2 * SECOND));
        assert_eq!(parse_nanos("+300ms"), Ok(SECOND * 3 / 10));
        assert_eq!(parse_nanos("1µs1ns"), Ok(1_001));
        assert_eq!(parse_nanos(".5s"), Ok(SECOND / 2));
    }

    #[test]
    fn malformed_durations_say_why() {
        for (text, reason) in [
            ("", "empty"),
            ("5", "missing unit"),
            ("5d", "unknown unit"),
            ("s", "expected a number"),
            ("1..5s", "expected a number"),
            ("99999999999999999999h", "out of range"),
        ] {
            let error = parse_nanos(text).expect_err(text);
            assert!(error.contains(reason), "{text}: {error}");
        }
    }

    #[test]
    fn go_words_its_errors() {
        for (text, message) in [
            ("", "time: invalid duration \"\""),
            ("x", "time: invalid duration \"x\""),
            ("5", "time: missing unit in duration \"5\""),
            ("1x", "time: unknown unit \"x\" in duration \"1x\""),
            (
                "1é",
                "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"",
            ),
        ] {
            let error = parse(text).expect_err(text);
            assert_eq!(error.go_message(text), message);
        }
    }
}
