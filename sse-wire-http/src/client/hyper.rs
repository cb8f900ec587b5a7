//! The hyper-util backend (feature `hyper-client`): its legacy pooled client, generic over
//! the connector, so TLS (or a Unix socket, or a proxy) is the connector's business.

use bytes::Bytes;
use futures_util::TryStreamExt;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, Method, Request, Uri, Version};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::Connect;
use hyper_util::client::legacy::Client;

use super::redirect;
use super::transport::{self, Head, Pending, Transport};
use super::{Builder, EventSource};

/// A hyper-util client and the parts of the request to send again on every attempt.
struct Hyper<C> {
    client: Client<C, Full<Bytes>>,
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
}

impl<C> Transport for Hyper<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    fn send(&mut self, last_event_id: Option<&str>) -> Pending {
        let mut headers = self.headers.clone();
        transport::add_headers(&mut headers, last_event_id);
        let (client, version) = (self.client.clone(), self.version);
        let (mut method, mut uri, mut body) =
            (self.method.clone(), self.uri.clone(), self.body.clone());
        Box::pin(async move {
            // Each attempt starts at the source's own URL (the spec reconnects to it).
            for _ in 0..=redirect::MAX_REDIRECTS {
                let mut request = Request::new(Full::new(body.clone()));
                *request.method_mut() = method.clone();
                *request.uri_mut() = uri.clone();
                *request.version_mut() = version;
                *request.headers_mut() = headers.clone();
                let response = client.request(request).await?;
                if let Some(hop) =
                    redirect::next_hop(response.status(), response.headers(), &uri, &method)?
                {
                    redirect::adjust_headers(&mut headers, &hop);
                    if hop.drop_body {
                        body = Bytes::new();
                    }
                    (method, uri) = (hop.method, hop.uri);
                    continue;
                }
                let status = response.status().as_u16();
                let content_type = response.headers().get(CONTENT_TYPE).cloned();
                let body = response.into_body().into_data_stream().map_err(Into::into);
                return Ok(Head {
                    status,
                    content_type,
                    body: Box::pin(body),
                });
            }
            Err(format!("more than {} redirects in a row", redirect::MAX_REDIRECTS).into())
        })
    }
}

impl Builder {
    /// The source for `request` over hyper-util's `client` (any connector: `HttpConnector`
    /// for `http`, hyper-rustls's or hyper-tls's for `https`), sent again on every reconnect
    /// with the `EventSource` headers added. The request's extensions are not kept.
    ///
    /// Redirects are followed as fetch follows them for an `EventSource` (hyper's client does
    /// not): 301, 302, 303, 307 and 308, at most 20 in a row; a `POST` becomes a `GET` without
    /// its body on 301, 302 and 303; `Authorization` is not sent to another origin. Every
    /// reconnect starts again from the request's own URL.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http_body_util::Full;
    /// use hyper_util::client::legacy::Client;
    /// use hyper_util::rt::TokioExecutor;
    /// use sse_wire_http::client::EventSource;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), http::Error> {
    /// let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    /// let request = http::Request::get("http://127.0.0.1:8080/ticks").body(Bytes::new())?;
    /// let events = EventSource::builder().build_hyper(client, request);
    /// # drop(events);
    /// # Ok(())
    /// # }
    /// ```
    pub fn build_hyper<C>(
        self,
        client: Client<C, Full<Bytes>>,
        request: Request<Bytes>,
    ) -> EventSource
    where
        C: Connect + Clone + Send + Sync + 'static,
    {
        let (parts, body) = request.into_parts();
        let mut headers = parts.headers;
        let initial_id = transport::take_last_event_id(&mut headers);
        let transport = Hyper {
            client,
            method: parts.method,
            uri: parts.uri,
            version: parts.version,
            headers,
            body,
        };
        self.with_transport(Box::new(transport), initial_id)
    }
}
