//! Request bodies and query strings read with the API's own errors (translated JSON, 400 or 413)
//! instead of axum's plain text.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::channels::web::AppState;

/// A JSON body: 413 `api-too-large` over the route's limit, 400 `api-malformed` otherwise.
pub(super) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => {
                let rejection: JsonRejection = rejection;
                Err(ApiError::unreadable(
                    rejection.status(),
                    "api-too-large",
                    "api-malformed",
                ))
            }
        }
    }
}

/// A query string: 400 `api-malformed` when it does not fit.
pub(super) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(_) => Err(ApiError::malformed()),
        }
    }
}
