//! Metadata sent on every call: the namespace (which proxies and Temporal Cloud route on) and,
//! with an API key, `authorization: Bearer <key>`.

use std::fmt;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::{Request, Status};

use crate::error::ClusterError;

/// The metadata key Temporal uses to route a call to a namespace.
pub const NAMESPACE_HEADER: &str = "temporal-namespace";
/// The metadata key carrying the API key.
pub const AUTHORIZATION_HEADER: &str = "authorization";

/// Adds `temporal-namespace` (unless the request already has one) and, when an API key is set,
/// `authorization: Bearer <key>` to every call.
#[derive(Clone)]
pub struct MetadataInterceptor {
    namespace: MetadataValue<Ascii>,
    authorization: Option<MetadataValue<Ascii>>,
}

impl MetadataInterceptor {
    /// Prepares the metadata once, so that a bad value fails here rather than on every call.
    pub fn new(
        namespace: &str,
        api_key: Option<&str>,
    ) -> Result<MetadataInterceptor, ClusterError> {
        let namespace =
            MetadataValue::try_from(namespace).map_err(|_| ClusterError::InvalidMetadata {
                what: "namespace",
                reason: "it must not contain control characters such as line breaks".to_owned(),
            })?;
        let authorization = match api_key {
            None => None,
            Some(key) => {
                let key = key.trim();
                if key.is_empty() {
                    return Err(ClusterError::InvalidMetadata {
                        what: "API key",
                        reason: "it is empty".to_owned(),
                    });
                }
                let mut value = MetadataValue::try_from(format!("Bearer {key}")).map_err(|_| {
                    ClusterError::InvalidMetadata {
                        what: "API key",
                        reason: "it must be visible ASCII without line breaks".to_owned(),
                    }
                })?;
                // Keeps the key out of HPACK's dynamic table and out of Debug output.
                value.set_sensitive(true);
                Some(value)
            }
        };
        Ok(MetadataInterceptor {
            namespace,
            authorization,
        })
    }

    /// Whether calls carry an `authorization` header.
    pub fn has_api_key(&self) -> bool {
        self.authorization.is_some()
    }
}

impl fmt::Debug for MetadataInterceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataInterceptor")
            .field("namespace", &self.namespace)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Interceptor for MetadataInterceptor {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let metadata = request.metadata_mut();
        if !metadata.contains_key(NAMESPACE_HEADER) {
            metadata.insert(NAMESPACE_HEADER, self.namespace.clone());
        }
        if let Some(authorization) = &self.authorization {
            metadata.insert(AUTHORIZATION_HEADER, authorization.clone());
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intercept(interceptor: &mut MetadataInterceptor) -> Request<()> {
        match interceptor.call(Request::new(())) {
            Ok(request) => request,
            Err(status) => panic!("the interceptor refused a request: {status:?}"),
        }
    }

    #[test]
    fn adds_namespace_and_bearer_token() -> Result<(), ClusterError> {
        let mut interceptor = MetadataInterceptor::new("orders.acct", Some("key-123"))?;
        let request = intercept(&mut interceptor);
        let metadata = request.metadata();
        assert_eq!(
            metadata.get(NAMESPACE_HEADER).map(|v| v.to_str().ok()),
            Some(Some("orders.acct"))
        );
        let authorization = metadata.get(AUTHORIZATION_HEADER);
        assert_eq!(
            authorization.map(|v| v.to_str().ok()),
            Some(Some("Bearer key-123"))
        );
        assert!(authorization.is_some_and(MetadataValue::is_sensitive));
        Ok(())
    }

    #[test]
    fn no_api_key_means_no_authorization_header() -> Result<(), ClusterError> {
        let mut interceptor = MetadataInterceptor::new("default", None)?;
        assert!(!interceptor.has_api_key());
        let request = intercept(&mut interceptor);
        assert!(request.metadata().get(AUTHORIZATION_HEADER).is_none());
        assert!(request.metadata().get(NAMESPACE_HEADER).is_some());
        Ok(())
    }

    #[test]
    fn a_namespace_set_on_the_request_is_kept() -> Result<(), ClusterError> {
        let mut interceptor = MetadataInterceptor::new("default", None)?;
        let mut request = Request::new(());
        request
            .metadata_mut()
            .insert(NAMESPACE_HEADER, MetadataValue::from_static("other"));
        let request = interceptor
            .call(request)
            .map_err(|status| ClusterError::Internal {
                message: status.to_string(),
            })?;
        assert_eq!(
            request
                .metadata()
                .get(NAMESPACE_HEADER)
                .map(|v| v.to_str().ok()),
            Some(Some("other"))
        );
        Ok(())
    }

    #[test]
    fn bad_values_are_refused_without_echoing_the_key() {
        let error = MetadataInterceptor::new("default", Some("line\nbreak-secret")).err();
        let text = error.map(|error| error.to_string()).unwrap_or_default();
        assert!(
            text.starts_with("[WFC004]") && !text.contains("secret"),
            "{text}"
        );
        assert!(MetadataInterceptor::new("default", Some("  ")).is_err());
        assert!(MetadataInterceptor::new("bad\nnamespace", None).is_err());
    }

    #[test]
    fn debug_output_redacts_the_key() -> Result<(), ClusterError> {
        let interceptor = MetadataInterceptor::new("default", Some("key-123"))?;
        let shown = format!("{interceptor:?}");
        assert!(
            !shown.contains("key-123") && shown.contains("<redacted>"),
            "{shown}"
        );
        Ok(())
    }
}
