//! Go's duration syntax (`time.ParseDuration`), which `@every` takes: a sign, then one or more
//! decimal numbers each with a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), such as
//! `1h30m`, `1.5h` or `-2s`; a bare `0` is zero.

/// Nanoseconds, signed, or why the text is not a Go duration.
pub(crate) fn parse_nanos(text: &str) -> Result<i128, String> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err("empty duration".to_string());
    }
    let mut total_nanos: i128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(format!("expected a number at {rest:?}"));
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
            "" => return Err(format!("missing unit after {number:?}")),
            other => return Err(format!("unknown unit {other:?}")),
        };
        total_nanos += scaled(number, unit_nanos)?;
        // Go refuses durations beyond about 290 years (the range of an int64 of nanoseconds).
        if total_nanos > i128::from(i64::MAX) {
            return Err("duration out of range".to_string());
        }
    }
    Ok(if negative { -total_nanos } else { total_nanos })
}

/// `number` (digits with an optional fraction) times `unit_nanos`, truncated to whole
/// nanoseconds as Go truncates.
fn scaled(number: &str, unit_nanos: i128) -> Result<i128, String> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let mut nanos: i128 = 0;
    for digit in whole.bytes() {
        nanos = nanos
            .checked_mul(10)
            .and_then(|n| n.checked_add(i128::from(digit - b'0')))
            .filter(|n| *n <= i128::from(i64::MAX))
            .ok_or_else(|| "duration out of range".to_string())?;
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
    use super::parse_nanos;

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
}
