//! The workflow input: fixed JSON, or a template with per-iteration placeholders.
//!
//! `--input-template '{"order": "{{id}}", "n": {{iteration}}}'` gives each workflow its own
//! input: `{{iteration}}` becomes the iteration number (0, 1, …), `{{id}}` the workflow id
//! (letters, digits, `-`, `_` and `.`, so it needs no escaping inside a JSON string). Any other
//! `{{…}}` is an error, and so is a template that is not JSON once filled in.

use serde_json::Value;

use crate::LoadgenError;

/// The flag templates come from, named in errors.
const FLAG: &str = "--input-template";
/// The largest template accepted. Temporal refuses payloads above 2 MiB; a load input is small.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Iteration,
    Id,
}

/// A workflow input, rendered per iteration into JSON bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputTemplate {
    pieces: Vec<Piece>,
}

impl InputTemplate {
    /// A fixed input: `value` for every iteration.
    #[must_use]
    pub fn fixed(value: &Value) -> InputTemplate {
        InputTemplate {
            pieces: vec![Piece::Text(value.to_string())],
        }
    }

    /// Reads a template. Errors (`[WFL001]`, naming `--input-template`) for an unknown or
    /// unclosed placeholder, a template over [`MAX_TEMPLATE_BYTES`], or text that is not JSON
    /// once the placeholders are filled in.
    pub fn parse(text: &str) -> Result<InputTemplate, LoadgenError> {
        let shown = || {
            let mut short: String = text.chars().take(80).collect();
            if short.len() < text.len() {
                short.push('…');
            }
            short
        };
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(LoadgenError::flag(
                FLAG,
                shown(),
                format!("longer than {MAX_TEMPLATE_BYTES} bytes"),
            ));
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        // Each pass consumes at least the `{{` it found, so the loop ends.
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| {
                LoadgenError::flag(FLAG, shown(), "a `{{` placeholder is not closed with `}}`")
            })?;
            pieces.push(match after[..close].trim() {
                "iteration" => Piece::Iteration,
                "id" => Piece::Id,
                other => {
                    return Err(LoadgenError::flag(
                        FLAG,
                        shown(),
                        format!(
                            "unknown placeholder {{{{{other}}}}}: use {{{{iteration}}}} or {{{{id}}}}"
                        ),
                    ));
                }
            });
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        let template = InputTemplate { pieces };
        let sample = template.render(0, "wfkit-load-0");
        serde_json::from_slice::<Value>(&sample).map_err(|error| {
            LoadgenError::flag(
                FLAG,
                shown(),
                format!("not JSON once the placeholders are filled in: {error}"),
            )
        })?;
        Ok(template)
    }

    /// The input of iteration `iteration`, whose workflow id is `workflow_id`, as JSON bytes.
    #[must_use]
    pub fn render(&self, iteration: u64, workflow_id: &str) -> Vec<u8> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Iteration => out.push_str(&iteration.to_string()),
                Piece::Id => out.push_str(workflow_id),
            }
        }
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(template: &InputTemplate, iteration: u64, id: &str) -> Value {
        serde_json::from_slice(&template.render(iteration, id)).expect("JSON")
    }

    #[test]
    fn placeholders_are_filled_in() {
        let template =
            InputTemplate::parse(r#"{"order": "{{id}}", "n": {{iteration}}, "k": "{{ id }}"}"#)
                .expect("valid");
        assert_eq!(
            rendered(&template, 17, "run-17"),
            serde_json::json!({"order": "run-17", "n": 17, "k": "run-17"})
        );
    }

    #[test]
    fn fixed_input_is_the_value() {
        let value = serde_json::json!({"a": [1, 2]});
        assert_eq!(rendered(&InputTemplate::fixed(&value), 3, "x"), value);
    }

    #[test]
    fn bad_templates_name_the_flag() {
        for (text, needle) in [
            ("{{nope}}", "unknown placeholder {{nope}}"),
            (r#"{"a": {{iteration}"#, "not closed"),
            (r#"{"a": {{id}}}"#, "not JSON"),
            ("[1,", "not JSON"),
        ] {
            let error = InputTemplate::parse(text).expect_err(text);
            let message = error.to_string();
            assert!(
                message.starts_with("[WFL001] --input-template"),
                "{message}"
            );
            assert!(message.contains(needle), "{text}: {message}");
        }
    }
}
