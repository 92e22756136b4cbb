//! Refuses request bodies over a size limit with 413, whether or not they declare a
//! `Content-Length` (chunked bodies are counted as they are read).

use poem::{Body, Request, error::ReadBodyError, http::header};

use super::error::ApiError;

/// `req` if its body is within `limit` (a body without `Content-Length` read to check it).
pub(super) async fn within_limit(mut req: Request, limit: usize) -> Result<Request, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(len) if len > limit => {
            return Err(ApiError::new(&super::problem::PAYLOAD_TOO_LARGE));
        }
        Some(_) => {}
        None => {
            let body = req
                .take_body()
                .into_bytes_limit(limit)
                .await
                .map_err(|e| match e {
                    ReadBodyError::PayloadTooLarge => {
                        ApiError::new(&super::problem::PAYLOAD_TOO_LARGE)
                    }
                    other => {
                        ApiError::bad_request(format!("cannot read the request body: {other}"))
                    }
                })?;
            req.set_body(Body::from(body));
        }
    }
    Ok(req)
}
