//! The document's operations by path and method: which operation a request is for (its
//! `operationId` labels the request's log lines and metrics) and, on 405 answers, the
//! `Allow` header (RFC 9110 requires it).

use poem::{
    Response,
    http::{Method, StatusCode},
};
use poem_openapi::OpenApi;

/// The label of a request that is for no documented operation (the documents, a 404, a 405):
/// raw paths would make the label set unbounded.
pub(crate) const NO_OPERATION: &str = "none";

enum Segment {
    Literal(String),
    /// `{name}`: any one segment.
    Parameter,
}

/// One documented path and its operations.
struct PathOperations {
    segments: Vec<Segment>,
    operations: Vec<(Method, &'static str)>,
    allow: String,
}

/// Every documented path with its operations.
pub(crate) struct Operations(Vec<PathOperations>);

impl Operations {
    /// From the document's paths (one path item per path, as `MergedApi` makes them).
    pub(crate) fn of<T: OpenApi>() -> Self {
        Self::from_paths(T::meta().into_iter().flat_map(|api| api.paths).map(|path| {
            let operations = path
                .operations
                .iter()
                .map(|o| (o.method.clone(), o.operation_id.unwrap_or(NO_OPERATION)))
                .collect();
            (path.path, operations)
        }))
    }

    /// From each path template (`/users/{id}`) and its methods' operation ids.
    fn from_paths(paths: impl Iterator<Item = (String, Vec<(Method, &'static str)>)>) -> Self {
        let mut paths: Vec<PathOperations> = paths
            .map(|(path, operations)| {
                let mut methods: Vec<&str> = operations.iter().map(|(m, _)| m.as_str()).collect();
                methods.sort_unstable();
                PathOperations {
                    segments: segments(&path)
                        .map(|s| match s.starts_with('{') && s.ends_with('}') {
                            true => Segment::Parameter,
                            false => Segment::Literal(s.to_owned()),
                        })
                        .collect(),
                    allow: methods.join(", "),
                    operations,
                }
            })
            .collect();
        // As the router does: a literal segment wins over a parameter (`/sessions/current`
        // is not `/sessions/{id}`), so patterns with literals earlier are tried first.
        paths.sort_by_cached_key(|p| {
            p.segments
                .iter()
                .map(|s| matches!(s, Segment::Parameter))
                .collect::<Vec<_>>()
        });
        Self(paths)
    }

    fn for_path(&self, path: &str) -> Option<&PathOperations> {
        self.0.iter().find(|p| {
            let mut asked = segments(path);
            p.segments.iter().all(|s| match (s, asked.next()) {
                (Segment::Literal(l), Some(a)) => l == a,
                (Segment::Parameter, Some(_)) => true,
                (_, None) => false,
            }) && asked.next().is_none()
        })
    }

    /// The `operationId` that serves `method` on `path`, or [`NO_OPERATION`].
    pub(crate) fn operation(&self, method: &Method, path: &str) -> &'static str {
        self.for_path(path)
            .and_then(|p| p.operations.iter().find(|(m, _)| m == method))
            .map_or(NO_OPERATION, |(_, id)| id)
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_end_matches('/').split('/')
}

/// Adds `Allow` to a 405 answer for `path`.
pub(super) fn add_allow(response: &mut Response, path: &str, operations: &Operations) {
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(path) = operations.for_path(path)
        && let Ok(value) = path.allow.parse()
    {
        response.headers_mut().insert("allow", value);
    }
}

#[cfg(test)]
mod tests {
    use poem::http::Method;

    use super::{NO_OPERATION, Operations};

    #[test]
    fn a_request_finds_its_operation_and_literals_win_over_parameters() {
        let paths = [
            (
                "/api/v1/users",
                vec![
                    (Method::GET, "getCurrentUser"),
                    (Method::POST, "createUser"),
                ],
            ),
            (
                "/api/v1/sessions/{id}",
                vec![(Method::DELETE, "deleteSession")],
            ),
            (
                "/api/v1/sessions/current",
                vec![(Method::DELETE, "deleteCurrentSession")],
            ),
            (
                "/api/v1/users/{id}/permissions/{permission}",
                vec![(Method::PUT, "grantPermission")],
            ),
        ];
        let operations =
            Operations::from_paths(paths.into_iter().map(|(path, ops)| (path.to_owned(), ops)));
        let of = |method: Method, path: &str| operations.operation(&method, path);
        assert_eq!(of(Method::GET, "/api/v1/users"), "getCurrentUser");
        assert_eq!(of(Method::POST, "/api/v1/users/"), "createUser");
        assert_eq!(
            of(Method::DELETE, "/api/v1/sessions/current"),
            "deleteCurrentSession"
        );
        assert_eq!(of(Method::DELETE, "/api/v1/sessions/42"), "deleteSession");
        assert_eq!(
            of(Method::PUT, "/api/v1/users/7/permissions/users:read"),
            "grantPermission"
        );
        assert_eq!(of(Method::GET, "/api/v1/nope"), NO_OPERATION);
        assert_eq!(of(Method::PATCH, "/api/v1/users"), NO_OPERATION);
        assert_eq!(
            of(Method::DELETE, "/api/v1/sessions/42/extra"),
            NO_OPERATION
        );
        assert_eq!(
            operations
                .for_path("/api/v1/users")
                .map(|p| p.allow.as_str()),
            Some("GET, POST")
        );
    }
}
