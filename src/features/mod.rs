//! The vertical slices. Each folder holds one operation: its command or query, handler,
//! route and DTOs. Each area (`users`, `auth`, `sessions`, `consents`, `mfa`, `passkeys`,
//! `admin`, `clients`, `oidc`, `health`) lists its slices once, beside their `mod` lines;
//! `Api` mounts the areas on the OpenAPI service.

mod admin;
mod auth;
mod clients;
mod consents;
mod health;
mod mfa;
pub(crate) mod notifications;
mod oidc;
mod passkeys;
mod sessions;
#[cfg(test)]
mod test_support;
mod users;

use crate::http::MergedApi;

/// All slices as one API, in document order.
pub(crate) type Api = MergedApi<(
    users::Slices,
    auth::Slices,
    sessions::Slices,
    consents::Slices,
    mfa::Slices,
    passkeys::Slices,
    admin::Slices,
    clients::Slices,
    oidc::Slices,
    health::Slices,
)>;

#[cfg(test)]
mod tests {
    use poem_openapi::OpenApi;

    use super::Api;

    #[test]
    fn each_path_appears_once_with_all_its_operations() {
        let paths = Api::meta().remove(0).paths;
        let users: Vec<_> = paths.iter().filter(|p| p.path == "/api/v1/users").collect();
        assert_eq!(users.len(), 1);
        let mut methods: Vec<_> = users[0]
            .operations
            .iter()
            .map(|o| o.method.to_string())
            .collect();
        methods.sort();
        assert_eq!(methods, ["DELETE", "GET", "PATCH", "POST"]);
    }

    /// Each operation's folder is `features/<area>/<operationId in snake_case>/`, and every
    /// folder with a `route.rs` serves an operation: a reader finds a slice by its id.
    #[test]
    fn each_operation_lives_in_the_folder_named_after_its_id() {
        let mut served: Vec<String> = Api::meta()
            .remove(0)
            .paths
            .iter()
            .flat_map(|path| &path.operations)
            .filter_map(|operation| operation.operation_id)
            .map(snake_case)
            .collect();
        let features = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/features");
        let mut folders: Vec<String> = std::fs::read_dir(&features)
            .unwrap()
            .flatten()
            .flat_map(|area| {
                std::fs::read_dir(area.path())
                    .into_iter()
                    .flatten()
                    .flatten()
            })
            .filter(|slice| slice.path().join("route.rs").is_file())
            .map(|slice| slice.file_name().to_string_lossy().into_owned())
            .collect();
        served.sort();
        folders.sort();
        assert_eq!(folders, served);
    }

    fn snake_case(id: &str) -> String {
        id.chars()
            .flat_map(|c| match c.is_ascii_uppercase() {
                true => vec!['_', c.to_ascii_lowercase()],
                false => vec![c],
            })
            .collect()
    }
}
