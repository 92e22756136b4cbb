//! `Allow` on 405 answers (RFC 9110 requires it): the methods the document declares for the
//! requested path.

use std::sync::Arc;

use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode};
use poem_openapi::OpenApi;

use super::error::into_problem_response;

/// Each documented path (as segments; `{name}` matches any one) and its methods.
pub(crate) struct AllowedMethods(Vec<(Vec<String>, String)>);

impl AllowedMethods {
    /// From the document's paths (one path item per path, as `MergedApi` makes them).
    pub(crate) fn of<T: OpenApi>() -> Self {
        let paths = T::meta().into_iter().flat_map(|api| api.paths).map(|path| {
            let mut methods: Vec<String> = path
                .operations
                .iter()
                .map(|o| o.method.to_string())
                .collect();
            methods.sort();
            (segments(&path.path), methods.join(", "))
        });
        Self(paths.collect())
    }

    fn for_path(&self, path: &str) -> Option<&str> {
        let asked = segments(path);
        self.0
            .iter()
            .find(|(pattern, _)| {
                pattern.len() == asked.len()
                    && pattern
                        .iter()
                        .zip(&asked)
                        .all(|(p, a)| p == a || (p.starts_with('{') && p.ends_with('}')))
            })
            .map(|(_, methods)| methods.as_str())
    }
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// Middleware: adds `Allow` to every 405.
pub(crate) async fn add_allow<E: Endpoint>(
    next: Arc<E>,
    req: Request,
    allowed: Arc<AllowedMethods>,
) -> poem::Result<Response> {
    let uri = req.uri().clone(); // shares the request's bytes: no copy on the hot path
    let mut response = match next.call(req).await {
        Ok(response) => response.into_response(),
        Err(err) => into_problem_response(err),
    };
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(methods) = allowed.for_path(uri.path())
        && let Ok(value) = methods.parse()
    {
        response.headers_mut().insert("allow", value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::AllowedMethods;

    #[test]
    fn templated_segments_match_any_value() {
        let allowed = AllowedMethods(vec![
            (super::segments("/api/v1/users"), "GET, POST".into()),
            (super::segments("/api/v1/users/{id}"), "DELETE".into()),
        ]);
        assert_eq!(allowed.for_path("/api/v1/users/"), Some("GET, POST"));
        assert_eq!(allowed.for_path("/api/v1/users/42"), Some("DELETE"));
        assert_eq!(allowed.for_path("/api/v1/nope"), None);
    }
}
