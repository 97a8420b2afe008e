//! Namespaces: `default` exists from the start; others are registered.

use std::time::Duration;

/// What the engine keeps of a namespace.
#[derive(Debug, Clone)]
pub(crate) struct NamespaceRecord {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) owner_email: String,
    pub(crate) retention: Duration,
}

impl NamespaceRecord {
    pub(crate) fn new(name: &str, id: String, retention: Duration) -> Self {
        NamespaceRecord {
            name: name.to_string(),
            id,
            description: String::new(),
            owner_email: String::new(),
            retention,
        }
    }
}
