//! The hosted pages of the OpenID Provider (sign-in, second step, consent, errors):
//! server-rendered HTML from `templates/pages/` (auto-escaped), working without JavaScript;
//! the browser's cookies (the browser session and the pages' CSRF token); and the headers
//! every page under `/oauth2/` carries (no framing, no caching).

use std::sync::LazyLock;

use minijinja::{Environment, Value};
use poem::{
    FromRequest, Request, RequestBody, Response,
    http::{HeaderValue, header},
};
use poem_openapi::{ApiResponse, payload::Html};

use super::Origin;

/// The browser session's cookie on https (`__Host-`: Secure, no Domain, Path=/).
pub(crate) const SESSION_COOKIE: &str = "__Host-accounts_session";
/// The browser session's cookie on plain http (a development origin: `__Host-` needs
/// Secure, which a browser refuses to store from http).
pub(crate) const SESSION_COOKIE_HTTP: &str = "accounts_session";
/// The pages' CSRF cookie on https.
pub(crate) const CSRF_COOKIE: &str = "__Host-accounts_csrf";
/// The pages' CSRF cookie on plain http.
pub(crate) const CSRF_COOKIE_HTTP: &str = "accounts_csrf";

/// The browser's cookies this service set, and whether it reached us over https.
pub(crate) struct BrowserCookies {
    /// The browser session's cookie value.
    pub session: Option<String>,
    /// The pages' CSRF cookie value.
    pub csrf: Option<String>,
    /// Whether the origin is https (the cookies' names and `Secure` follow).
    pub https: bool,
}

impl BrowserCookies {
    /// A `Set-Cookie` value for the browser session, `max_age` seconds long.
    pub(crate) fn set_session(&self, value: &str, max_age: u64) -> String {
        let name = if self.https {
            SESSION_COOKIE
        } else {
            SESSION_COOKIE_HTTP
        };
        self.cookie(name, value, max_age)
    }

    /// A `Set-Cookie` value for the pages' CSRF token, `max_age` seconds long.
    pub(crate) fn set_csrf(&self, value: &str, max_age: u64) -> String {
        let name = if self.https {
            CSRF_COOKIE
        } else {
            CSRF_COOKIE_HTTP
        };
        self.cookie(name, value, max_age)
    }

    /// Whether `presented` (a form's field) is the CSRF cookie's value; compared in
    /// constant time.
    pub(crate) fn csrf_matches(&self, presented: &str) -> bool {
        self.csrf.as_deref().is_some_and(|cookie| {
            constant_time_eq::constant_time_eq(cookie.as_bytes(), presented.as_bytes())
        })
    }

    fn cookie(&self, name: &str, value: &str, max_age: u64) -> String {
        let secure = if self.https { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
    }
}

impl<'a> FromRequest<'a> for BrowserCookies {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let https = Origin::from_request(req, body).await?.is_https();
        let (session_name, csrf_name) = match https {
            true => (SESSION_COOKIE, CSRF_COOKIE),
            false => (SESSION_COOKIE_HTTP, CSRF_COOKIE_HTTP),
        };
        let pairs: Vec<(String, String)> = req
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let find = |wanted: &str| {
            pairs
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.clone())
        };
        Ok(Self {
            session: find(session_name),
            csrf: find(csrf_name),
            https,
        })
    }
}

/// What a hosted page's endpoint answers.
#[derive(ApiResponse)]
pub(crate) enum PageResponse {
    /// The page (HTML).
    #[oai(status = 200)]
    Page(
        Html<String>,
        /// The pages' CSRF cookie, when this page sets it.
        #[oai(header = "Set-Cookie")]
        Option<String>,
    ),
    /// On to the next page, or back to the client's redirect URI with `code` or `error`,
    /// `state` and `iss`.
    #[oai(status = 302)]
    Redirect(
        /// Where to.
        #[oai(header = "Location")]
        String,
        /// The browser session's cookie (after a sign-in) or the pages' CSRF cookie.
        #[oai(header = "Set-Cookie")]
        Option<String>,
    ),
    /// An error page: the request names no registered client, or a redirect URI the client
    /// did not register (never redirected), or it is unknown or expired.
    #[oai(status = 400)]
    BadRequest(Html<String>),
    /// The form's CSRF token is missing, or is not the one this browser was given.
    #[oai(status = 403)]
    Forbidden(Html<String>),
}

impl PageResponse {
    /// The error page titled `title` saying `message`.
    pub(crate) fn bad_request(title: &str, message: &str) -> Self {
        Self::BadRequest(error_page(title, message))
    }

    /// The 403 page of a form without its CSRF token.
    pub(crate) fn forbidden() -> Self {
        Self::Forbidden(error_page(
            "Request refused",
            "This form has expired or was not sent from this browser. Go back to the \
             application and start again.",
        ))
    }
}

fn error_page(title: &str, message: &str) -> Html<String> {
    render("error", title, minijinja::context! { title, message })
}

/// The page `name` (`templates/pages/<name>.html`) rendered with `context` inside the
/// layout, titled `title`; a page that cannot render (a bug) is a plain error page.
pub(crate) fn render(name: &str, title: &str, context: Value) -> Html<String> {
    let rendered = PAGES
        .get_template(&format!("{name}.html"))
        .and_then(|template| template.render(context))
        .and_then(|content| {
            PAGES
                .get_template("layout.html")?
                .render(minijinja::context! {
                    title => title,
                    content => Value::from_safe_string(content),
                })
        });
    match rendered {
        Ok(html) => Html(html),
        Err(err) => {
            tracing::error!(error = %err, page = name, "cannot render a page");
            Html("<!doctype html><title>Error</title><p>Something went wrong.</p>".into())
        }
    }
}

/// The pages, embedded at compile time and compiled on first use, auto-escaped.
static PAGES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_loader(|name| {
        Ok(match name {
            "layout.html" => Some(include_str!("../../templates/pages/layout.html")),
            "error.html" => Some(include_str!("../../templates/pages/error.html")),
            "sign_in.html" => Some(include_str!("../../templates/pages/sign_in.html")),
            "second_step.html" => Some(include_str!("../../templates/pages/second_step.html")),
            "consent.html" => Some(include_str!("../../templates/pages/consent.html")),
            "sign_out.html" => Some(include_str!("../../templates/pages/sign_out.html")),
            _ => None,
        })
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env
});

/// The sign-in page's passkey button, inlined; the CSP allows this script alone, by hash.
pub(crate) const PASSKEY_SCRIPT: &str = include_str!("../../templates/pages/passkey.js");

/// The pages' CSP: nothing but their inline style, the passkey script (by its SHA-256) and
/// its one call to this origin; no framing, no `<base>`.
static PAGE_CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use sha2::{Digest, Sha256};
    let hash = STANDARD.encode(Sha256::digest(PASSKEY_SCRIPT.as_bytes()));
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&csp).expect("a CSP is a valid header value")
});

/// Whether `req` is for a hosted page (everything under `/oauth2/`), whose answer gets
/// [`add_page_headers`].
pub(super) fn is_hosted(req: &Request) -> bool {
    req.uri().path().starts_with("/oauth2/")
}

/// The headers of the hosted pages: never framed (`X-Frame-Options: DENY`, CSP
/// `frame-ancestors 'none'`), never cached (`Cache-Control: no-store`), and [`PAGE_CSP`].
pub(super) fn add_page_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, PAGE_CSP.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// Before the CORS layer: a same-origin request (its `Origin` is the scheme and host it was
/// sent to) is no CORS request, so its `Origin` is dropped and `CORS_ORIGINS` (the SPAs'
/// origins) need not list this service's own: the hosted pages' form posts, their passkey
/// script's call, Swagger UI's requests. A cross-origin browser request keeps it.
pub(super) fn drop_same_origin(req: &mut Request) {
    if same_origin(req) {
        req.headers_mut().remove(header::ORIGIN);
    }
}

/// Whether the request's `Origin` is its own: the scheme (or `X-Forwarded-Proto`) and the
/// `Host` (or `X-Forwarded-Host`). Which forwarded value is believed does not matter here:
/// a browser sets `Origin` and `Host` itself, and CORS protects browsers only.
fn same_origin(req: &Request) -> bool {
    let headers = req.headers();
    let first = |name: &str| {
        let value = headers.get(name)?.to_str().ok()?;
        value.split(',').next().map(str::trim)
    };
    let Some((scheme, authority)) = first("origin").and_then(|o| o.split_once("://")) else {
        return false;
    };
    let own_scheme = first("x-forwarded-proto").unwrap_or(req.scheme().as_str());
    let hosts = [first("host"), first("x-forwarded-host")];
    scheme.eq_ignore_ascii_case(own_scheme)
        && hosts
            .into_iter()
            .flatten()
            .any(|host| host.eq_ignore_ascii_case(authority))
}
