//! The reqwest backend (feature `reqwest`, default).

use futures_util::TryStreamExt;
use http::header::CONTENT_TYPE;

use super::transport::{self, Head, Pending, Transport};
use super::{Builder, Error, EventSource};

/// A reqwest client and the request to send again on every attempt.
struct Reqwest {
    client: reqwest::Client,
    request: reqwest::Request,
}

impl Transport for Reqwest {
    fn send(&mut self, last_event_id: Option<&str>) -> Pending {
        // Checked at construction: the body can be sent twice.
        let Some(mut request) = self.request.try_clone() else {
            return Box::pin(async { Err("the request cannot be sent again".into()) });
        };
        transport::add_headers(request.headers_mut(), last_event_id);
        let response = self.client.execute(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(Head {
                status: response.status().as_u16(),
                content_type: response.headers().get(CONTENT_TYPE).cloned(),
                body: Box::pin(response.bytes_stream().map_err(Into::into)),
            })
        })
    }
}

impl Builder {
    /// The source for `request` (reqwest's builder: URL, method, headers, body), sent again
    /// on every reconnect with the `EventSource` headers added.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Request`](super::ErrorKind::Request): the builder holds an error (e.g. an
    /// invalid URL), its body is a stream that cannot be sent twice, or the URL is `https`
    /// and this crate was built without a TLS feature (`rustls` or `native-tls`).
    pub fn build(self, request: reqwest::RequestBuilder) -> Result<EventSource, Error> {
        let (client, request) = request.build_split();
        let mut request = request.map_err(Error::request)?;
        if request.try_clone().is_none() {
            return Err(Error::request(
                "the request body is a stream, which cannot be sent again on reconnect",
            ));
        }
        if request.url().scheme() == "https"
            && !cfg!(any(feature = "rustls", feature = "native-tls"))
        {
            return Err(Error::request(format!(
                "{}: an https URL needs sse-wire-http's `rustls` or `native-tls` feature",
                request.url()
            )));
        }
        let initial_id = transport::take_last_event_id(request.headers_mut());
        Ok(self.with_transport(Box::new(Reqwest { client, request }), initial_id))
    }
}

impl Builder {
    /// A `GET` of `url` with a new reqwest client that follows up to 20 redirects, as fetch
    /// does: see [`Builder::build`].
    ///
    /// # Errors
    ///
    /// As [`Builder::build`], and when reqwest's client cannot be set up (its TLS backend).
    pub fn get(self, url: impl reqwest::IntoUrl) -> Result<EventSource, Error> {
        // Fetch follows up to 20 redirects (reqwest's default is 10).
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(20))
            .build()
            .map_err(Error::request)?;
        self.build(client.get(url))
    }
}

impl EventSource {
    /// An event source for `request` with the default options: see [`Builder::build`].
    ///
    /// # Errors
    ///
    /// As [`Builder::build`].
    pub fn new(request: reqwest::RequestBuilder) -> Result<EventSource, Error> {
        Builder::new().build(request)
    }

    /// A `GET` of `url` with a new reqwest client and the default options.
    ///
    /// # Errors
    ///
    /// As [`Builder::build`], and when reqwest's client cannot be set up (its TLS backend).
    pub fn get(url: impl reqwest::IntoUrl) -> Result<EventSource, Error> {
        Builder::new().get(url)
    }
}
