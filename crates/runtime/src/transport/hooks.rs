//! The macros joining the transport to a generated client: progenitor's
//! hooks (`client_hooks!`) and an API module's generated parts
//! (`generated_api!`).

/// Implements progenitor's request hooks for a generated `Client` whose inner
/// type is [`ClientContext`](crate::transport::ClientContext).
#[doc(hidden)]
#[macro_export]
macro_rules! client_hooks {
    ($client:ty, $error_body:ty) => {
        impl $client {
            /// The same client with `options` for its calls: extra headers, a
            /// timeout, whether a call is safe to retry. Cheap: connections,
            /// credentials and the token cache are shared.
            pub fn with_options(&self, options: $crate::CallOptions) -> Self {
                let context = progenitor_client::ClientInfo::inner(self).clone().with_options(options);
                <$client>::new_with_client(
                    progenitor_client::ClientInfo::baseurl(self),
                    progenitor_client::ClientInfo::client(self).clone(),
                    context,
                )
            }
        }

        impl $client {
            /// What the calls of this client and of all its copies (clones,
            /// `with_options`) have done so far: requests, retries, 429s,
            /// time spent waiting for the client's pace, retries refused by
            /// the retry budget.
            pub fn stats(&self) -> $crate::ClientStats {
                progenitor_client::ClientInfo::inner(self).stats()
            }
        }

        impl $client {
            /// A call to an endpoint no document lists, through this
            /// client's transport: its credentials, headers, pacing,
            /// retries, limits and errors, as for the generated calls.
            /// `path` is a template under the client's base URL
            /// (`/invoices/{id}`), filled with
            /// [`path_param`](crate::transport::RawRequest::path_param);
            /// a full URL is refused. See [`RawRequest`](crate::transport::RawRequest).
            ///
            /// `progenitor_client::ClientInfo::client` gives the bare HTTP
            /// client under it, which sends no credentials and has none of
            /// these safeguards: call endpoints with this instead.
            pub fn raw(&self, method: reqwest::Method, path: &str) -> $crate::transport::RawRequest<'_, $error_body> {
                $crate::transport::RawRequest::new(
                    progenitor_client::ClientInfo::inner(self),
                    progenitor_client::ClientInfo::baseurl(self),
                    method,
                    path,
                )
            }
        }

        impl progenitor_client::ClientHooks<$crate::transport::ClientContext> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                // The one variant that can carry a typed failure (error/channel.rs).
                progenitor_client::ClientInfo::inner(self)
                    .prepare(request, info.operation_id, progenitor_client::ClientInfo::baseurl(self))
                    .await
                    .map_err(|failure| progenitor_client::Error::UnexpectedResponse(failure.into_response()))
            }

            async fn exec(&self, request: reqwest::Request, info: &progenitor_client::OperationInfo) -> reqwest::Result<reqwest::Response> {
                // Every request goes through the context's own HTTP client
                // (redirects never followed), also for a client made with
                // progenitor's `Client::new`.
                progenitor_client::ClientInfo::inner(self).execute(request, info.operation_id).await
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<reqwest::Response>,
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                match progenitor_client::ClientInfo::inner(self).failure(result) {
                    Some(response) => Err(progenitor_client::Error::UnexpectedResponse(response)),
                    None => Ok(()),
                }
            }
        }
    };
}

/// An API crate's generated parts (at its root), the same for each API: the
/// facade's modules imported, the
/// progenitor client (`$api.rs` in its build script's `OUT_DIR`), its open
/// enums (`enums`), the `types` module joining both, the facade's `Error`
/// named over progenitor's, the operations table, and the hooks;
/// `$error_body` is the API's error body type in `types`, which a raw
/// call's error status decodes as.
#[doc(hidden)]
#[macro_export]
macro_rules! generated_api {
    ($api:literal, $error_body:ident) => {
        // The facade's modules at the crate root, where the generated code
        // and the API crate's own code name them (`crate::transport`,
        // `crate::Page`, …; which of them are used depends on the enabled tags).
        #[allow(unused_imports)]
        use $crate::{auth, error, open_enum, paging, redact, settings, transport, vendor, Page, RateLimit};
        // irrefutable_let_patterns: typify's `FromStr` of some untagged
        // enums of the whole documents (a string variant's parse cannot fail).
        #[allow(missing_docs, clippy::all, unused_imports, irrefutable_let_patterns)]
        mod generated {
            include!(concat!(env!("OUT_DIR"), "/", $api, ".rs"));
        }
        // Named, not glob-imported: a glob would also bring progenitor's
        // `Error`, which this module's `Error` (ours) shadows in code but not
        // in rustdoc, where each API page listed both. A top-level item
        // progenitor adds one day is missing here until named: the API
        // module's docs and tests would show it.
        pub use generated::{builder, prelude, ByteStream, Client, ClientInfo, ResponseValue};

        /// The open enums of the document (see [`types`]): generated by the build script.
        #[allow(missing_docs, clippy::all)]
        pub mod enums {
            include!(concat!(env!("OUT_DIR"), "/", $api, "_enums.rs"));
        }

        /// The request and response types, the open enums among them: every string
        /// enum `X` is `enum X { A, B, Unknown(String) }`, so a value added by
        /// the vendor after our document decodes (as `Unknown`) instead of failing
        /// the response.
        pub mod types {
            pub use super::enums::*;
            pub use super::generated::types::*;
        }
        // The facade's `Error`, which every builder's `send` returns (codegen's
        // send.rs): code that glob-imports the API module gets it.
        pub use $crate::Error;

        include!(concat!(env!("OUT_DIR"), "/", $api, "_operations.rs"));

        $crate::transport::client_hooks!(Client, types::$error_body);
    };
}
