//! The language of the worker under test, so that hints name the fix in its own API
//! (`deprecate_patch()` in Rust and Python, `deprecatePatch()` in TypeScript, ...). Read from the
//! SDK metadata of the worker's task completions (`sdk_metadata.sdk_name`).

use serde::Serialize;

/// An SDK's language, as far as hints care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SdkLanguage {
    /// The Rust SDK (`temporalio-sdk`).
    Rust,
    /// The Python SDK (`temporalio`).
    Python,
    /// The TypeScript SDK (`@temporalio/worker`).
    TypeScript,
    /// The .NET SDK.
    DotNet,
    /// The Go SDK.
    Go,
    /// The Java SDK.
    Java,
    /// Not known (no completion carried SDK metadata).
    #[default]
    Unknown,
}

impl SdkLanguage {
    /// The language an `sdk_name` names (`temporal-python`, `temporal-typescript`, ...).
    pub fn from_sdk_name(sdk_name: &str) -> SdkLanguage {
        let name = sdk_name.to_ascii_lowercase();
        if name.contains("python") {
            SdkLanguage::Python
        } else if name.contains("typescript") || name.contains("node") {
            SdkLanguage::TypeScript
        } else if name.contains("dotnet") || name.contains(".net") {
            SdkLanguage::DotNet
        } else if name.contains("java") {
            SdkLanguage::Java
        } else if name.contains("rust") || name == "temporalio-sdk" {
            SdkLanguage::Rust
        } else if name.contains("go") {
            SdkLanguage::Go
        } else {
            SdkLanguage::Unknown
        }
    }

    /// The call that guards a change (`patched()`).
    pub fn patched(self) -> &'static str {
        match self {
            SdkLanguage::Rust | SdkLanguage::TypeScript | SdkLanguage::Unknown => "patched()",
            SdkLanguage::Python => "workflow.patched()",
            SdkLanguage::DotNet => "Workflow.Patched()",
            SdkLanguage::Go => "workflow.GetVersion()",
            SdkLanguage::Java => "Workflow.getVersion()",
        }
    }

    /// The call that keeps a patch's marker accepted once the old branch is gone.
    pub fn deprecate_patch(self) -> &'static str {
        match self {
            SdkLanguage::Rust | SdkLanguage::Unknown => "deprecate_patch()",
            SdkLanguage::Python => "workflow.deprecate_patch()",
            SdkLanguage::TypeScript => "deprecatePatch()",
            SdkLanguage::DotNet => "Workflow.DeprecatePatch()",
            SdkLanguage::Go => "workflow.GetVersion() with the old version as its minimum",
            SdkLanguage::Java => "Workflow.getVersion() with the old version as its minimum",
        }
    }

    /// Puts this language's API names into a text written with `{patched}` and
    /// `{deprecate_patch}`.
    pub(crate) fn localize(self, text: &str) -> String {
        text.replace("{patched}", self.patched())
            .replace("{deprecate_patch}", self.deprecate_patch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_names_map_to_languages_and_their_api() {
        assert_eq!(
            SdkLanguage::from_sdk_name("temporal-python"),
            SdkLanguage::Python
        );
        assert_eq!(
            SdkLanguage::from_sdk_name("temporal-typescript"),
            SdkLanguage::TypeScript
        );
        assert_eq!(
            SdkLanguage::from_sdk_name("temporal-dotnet"),
            SdkLanguage::DotNet
        );
        assert_eq!(SdkLanguage::from_sdk_name("temporal-go"), SdkLanguage::Go);
        assert_eq!(
            SdkLanguage::from_sdk_name("temporal-java"),
            SdkLanguage::Java
        );
        assert_eq!(
            SdkLanguage::from_sdk_name("temporal-rust"),
            SdkLanguage::Rust
        );
        assert_eq!(SdkLanguage::from_sdk_name(""), SdkLanguage::Unknown);
        assert_eq!(
            SdkLanguage::TypeScript.localize("keep {deprecate_patch}"),
            "keep deprecatePatch()"
        );
        assert_eq!(
            SdkLanguage::Python.localize("guard with {patched}"),
            "guard with workflow.patched()"
        );
    }
}
