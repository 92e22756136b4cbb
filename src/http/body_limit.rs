//! Refuses request bodies over a size limit with 413, whether or not they declare a
//! `Content-Length` (chunked bodies are counted as they are read).

use std::sync::Arc;

use poem::{Body, Endpoint, IntoResponse, Request, Response, error::ReadBodyError, http::header};

use super::error::ApiError;

pub(crate) async fn limit_body<E: Endpoint>(
    next: Arc<E>,
    mut req: Request,
    limit: usize,
) -> poem::Result<Response> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(len) if len > limit => {
            return Err(ApiError::new(&super::problem::PAYLOAD_TOO_LARGE).into());
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
    next.call(req).await.map(IntoResponse::into_response)
}
