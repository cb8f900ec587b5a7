//! Redirects for the hyper backend, followed as fetch follows them for an `EventSource`
//! (reqwest follows them itself): 301, 302, 303, 307 and 308 with a `Location`, at most 20 in
//! a row, `http` and `https` targets only.

use http::header::{HeaderMap, AUTHORIZATION, LOCATION};
use http::{Method, StatusCode, Uri};

use super::transport::BoxError;

/// Fetch's limit on redirects in a row.
pub(crate) const MAX_REDIRECTS: usize = 20;

/// The request to send next, changed as fetch's "HTTP-redirect fetch" changes it.
pub(crate) struct Hop {
    pub(crate) uri: Uri,
    pub(crate) method: Method,
    /// The body and the headers that describe it are dropped (a POST turned into a GET).
    pub(crate) drop_body: bool,
    /// The target is another origin: credentials (`Authorization`) are not sent there.
    pub(crate) cross_origin: bool,
}

/// Where a response with `status` and `headers` to `method uri` sends the request, if it is
/// a redirect; `Ok(None)` for any other response (a 3xx without `Location` included, which
/// then fails the connection as a wrong status).
///
/// # Errors
///
/// A `Location` that is no URL, or not `http`/`https`: a network error, as in fetch.
pub(crate) fn next_hop(
    status: StatusCode,
    headers: &HeaderMap,
    uri: &Uri,
    method: &Method,
) -> Result<Option<Hop>, BoxError> {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = headers.get(LOCATION) else {
        return Ok(None);
    };
    let base = url::Url::parse(&uri.to_string())?;
    let target = base.join(location.to_str()?)?;
    if !matches!(target.scheme(), "http" | "https") {
        return Err(format!("redirect to a non-HTTP URL: {target}").into());
    }
    let to_get = match status.as_u16() {
        301 | 302 => method == Method::POST,
        303 => method != Method::GET && method != Method::HEAD,
        _ => false,
    };
    Ok(Some(Hop {
        cross_origin: target.origin() != base.origin(),
        uri: target.as_str().parse()?,
        method: if to_get { Method::GET } else { method.clone() },
        drop_body: to_get,
    }))
}

/// Applies `hop` to the request's headers: fetch drops the body's headers with the body and
/// credentials on the way to another origin.
pub(crate) fn adjust_headers(headers: &mut HeaderMap, hop: &Hop) {
    if hop.drop_body {
        for name in [
            "content-type",
            "content-length",
            "content-encoding",
            "content-language",
            "content-location",
        ] {
            headers.remove(name);
        }
    }
    if hop.cross_origin {
        headers.remove(AUTHORIZATION);
    }
}
