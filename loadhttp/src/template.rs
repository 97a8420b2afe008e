//! Request templates: the URL and body with `{ns}`, `{id}` and `{seq}` filled in per request.
//!
//! `{ns}` is the namespace, `{seq}` the request's sequence number (0, 1, …) and `{id}` the
//! workflow id, `<id prefix>-<n>`. In the URL the values are percent-encoded as one path
//! segment; in the body they are escaped as the inside of a JSON string. Other braces (the
//! JSON body's own) are left alone.

use crate::LoadHttpError;

/// The longest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

/// A URL template split into its origin (`http://host:port`) and its path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    origin: String,
    path: String,
}

impl UrlTemplate {
    /// Parses `http://host:port/path…` or `https://…`. Only `{ns}`, `{id}` and `{seq}` may
    /// appear in braces.
    pub fn parse(template: &str) -> Result<Self, LoadHttpError> {
        let invalid = |reason: &str| LoadHttpError::option("--url", template, reason);
        if template.len() > MAX_TEMPLATE_BYTES {
            return Err(invalid("longer than 64 KiB"));
        }
        let rest = template
            .strip_prefix("http://")
            .or_else(|| template.strip_prefix("https://"))
            .ok_or_else(|| invalid("must start with http:// or https://"))?;
        let host_len = rest.find('/').unwrap_or(rest.len());
        if host_len == 0 {
            return Err(invalid("has no host"));
        }
        let origin_len = template.len() - rest.len() + host_len;
        let (origin, path) = template.split_at(origin_len);
        if origin.contains(['{', '}', ' ', '?', '#']) {
            return Err(invalid("the host part cannot hold placeholders or spaces"));
        }
        let probe = fill_raw(path, "", "", "");
        if probe.contains(['{', '}']) {
            return Err(invalid(
                "only {ns}, {id} and {seq} can appear in braces in the URL",
            ));
        }
        if path.contains(char::is_whitespace) {
            return Err(invalid("contains white space"));
        }
        Ok(UrlTemplate {
            origin: origin.to_owned(),
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            },
        })
    }

    /// `scheme://host:port`, what goose calls the host.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The full URL of one request.
    #[must_use]
    pub fn render(&self, namespace: &str, id: &str, n: u64) -> String {
        let path = fill_raw(
            &self.path,
            &encode_segment(namespace),
            &encode_segment(id),
            &n.to_string(),
        );
        format!("{}{path}", self.origin)
    }
}

/// A body template; `{ns}`, `{id}` and `{seq}` are filled in JSON-escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyTemplate(String);

impl BodyTemplate {
    /// Accepts any text up to [`MAX_TEMPLATE_BYTES`].
    pub fn parse(template: &str) -> Result<Self, LoadHttpError> {
        if template.len() > MAX_TEMPLATE_BYTES {
            return Err(LoadHttpError::option(
                "--body",
                template.chars().take(40).collect::<String>(),
                "longer than 64 KiB",
            ));
        }
        Ok(BodyTemplate(template.to_owned()))
    }

    /// The body of one request.
    #[must_use]
    pub fn render(&self, namespace: &str, id: &str, n: u64) -> String {
        fill_raw(
            &self.0,
            &json_inner(namespace),
            &json_inner(id),
            &n.to_string(),
        )
    }
}

fn fill_raw(template: &str, namespace: &str, id: &str, n: &str) -> String {
    template
        .replace("{ns}", namespace)
        .replace("{id}", id)
        .replace("{seq}", n)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// `value` as the inside of a JSON string.
fn json_inner(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_placeholders_are_filled_and_encoded() -> Result<(), LoadHttpError> {
        let url =
            UrlTemplate::parse("http://127.0.0.1:7243/api/v1/namespaces/{ns}/workflows/{id}")?;
        assert_eq!(url.origin(), "http://127.0.0.1:7243");
        assert_eq!(
            url.render("my ns", "w/1", 7),
            "http://127.0.0.1:7243/api/v1/namespaces/my%20ns/workflows/w%2F1"
        );
        Ok(())
    }

    #[test]
    fn bad_urls_are_refused_with_the_option_name() {
        for bad in [
            "127.0.0.1:7243/x",
            "http:///x",
            "http://h/{workflow}",
            "http://{ns}/x",
            "http://h/a b",
        ] {
            let error = UrlTemplate::parse(bad).expect_err(bad);
            assert_eq!(error.code(), "WFLH001");
            assert!(error.to_string().contains("--url"), "{error}");
        }
    }

    #[test]
    fn body_values_are_json_escaped() -> Result<(), LoadHttpError> {
        let body = BodyTemplate::parse(r#"{"workflowId":"{id}","input":{"n":{seq}}}"#)?;
        assert_eq!(
            body.render("default", "a\"b", 3),
            r#"{"workflowId":"a\"b","input":{"n":3}}"#
        );
        Ok(())
    }
}
